"""A bare Flask hello, served the same way as the app, for the throughput's yardstick."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
