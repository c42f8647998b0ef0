from incubator.memo import Memo


def test_a_kept_result_is_given_back_and_the_least_used_goes_first():
    made = []
    memo = Memo(2)

    def make(key):
        return lambda: made.append(key) or key.upper()

    assert memo.get_or_make("a", make("a")) == "A"
    assert memo.get_or_make("b", make("b")) == "B"
    assert memo.get_or_make("a", make("a")) == "A"  # kept: not made again, and now the newest
    memo.get_or_make("c", make("c"))  # "b" was used least lately: it goes
    assert memo.get_or_make("a", make("a")) == "A"
    memo.get_or_make("b", make("b"))
    assert made == ["a", "b", "c", "b"] and len(memo) == 2
