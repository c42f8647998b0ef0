"""Demo ventures at THINK: about thirty, from a dozen countries, with members, leases, milestones, quarterly
figures and readiness; some near a deadline (a lease, a residence card), and a few alumni.

Dates are counted from today, so the deadlines stay near whenever the demo is loaded. Everything goes through
the services, as staff would do it. Looked up by name: running the seed again adds nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from incubator.auth.models import ResidenceStatus as RS
from incubator.auth.models import User
from incubator.dates import today_in_tokyo
from incubator.extensions import db
from incubator.milestones import services as milestones
from incubator.milestones.models import MilestoneKind as MK
from incubator.readiness import services as readiness
from incubator.readiness.models import Criterion, State
from incubator.spaces import services as spaces
from incubator.spaces.models import Space
from incubator.ventures import services
from incubator.ventures.models import ExitDestination as Dest
from incubator.ventures.models import MemberRole as Role
from incubator.ventures.models import Sector, Venture, VentureStage, VentureStatus

# name (Latin), name (own script), name (Japanese), country, sector, stage,
# members: (own script, Latin, katakana, nationality, role, residence status, card expires in N days, locale),
# lease: (room, started N days ago, ends in N days),
# milestones: (kind, N days ago, amount or headcount),
# exit: (N days ago, status, destination, reason) for alumni
VENTURES = [
    ("Hangzhou Clean Water", "杭州净水科技", "杭州クリーンウォーター", "CN", Sector.ENVIRONMENT, VentureStage.EARLY_REVENUE,
     [("陈 静", "CHEN Jing", "チン セイ", "CN", Role.FOUNDER, RS.BUSINESS_MANAGER, 12, "zh_Hans"),
      ("刘 洋", "LIU Yang", "リュウ ヨウ", "CN", Role.EXECUTIVE, RS.ENGINEER_HUMANITIES, 400, "zh_Hans")],
     ("A-301", 330, 35), [(MK.INCORPORATED, 300, None), (MK.FIRST_CUSTOMER, 200, None),
                          (MK.FUNDING, 150, 15_000_000), (MK.HIRES, 90, 2)], None),
    ("Seoul Mobility Lab", "서울 모빌리티 랩", "ソウルモビリティラボ", "KR", Sector.ROBOTICS, VentureStage.PROTOTYPE,
     [("최 준호", "CHOI Jun-ho", "チェ ジュンホ", "KR", Role.FOUNDER, RS.STARTUP_VISA, 45, "ko")],
     ("B-105", 120, 245), [(MK.PATENT, 60, None)], None),
    ("Saigon Smart Farm", "Nông Trại Thông Minh Sài Gòn", "サイゴンスマートファーム", "VN", Sector.ENVIRONMENT,
     VentureStage.PROTOTYPE,
     [("Võ Thị Hoa", "VO Thi Hoa", "ヴォー ティ ホア", "VN", Role.FOUNDER, RS.BUSINESS_MANAGER, 58, "vi"),
      ("Đặng Minh Tuấn", "DANG Minh Tuan", "ダン ミン トゥアン", "VN", Role.EMPLOYEE, RS.ENGINEER_HUMANITIES, 300, "vi")],
     ("A-302", 400, 20), [(MK.INCORPORATED, 380, None), (MK.KAWASAKI_PARTNERSHIP, 100, None)], None),
    ("Taipei Precision Optics", "臺北精密光學", "台北プレシジョンオプティクス", "TW", Sector.MANUFACTURING, VentureStage.GROWTH,
     [("林 志明", "LIN Chih-ming", "リン シメイ", "TW", Role.FOUNDER, RS.BUSINESS_MANAGER, 700, "zh_Hant"),
      ("黃 美玲", "HUANG Mei-ling", "コウ ビレイ", "TW", Role.EXECUTIVE, RS.HIGHLY_SKILLED, 80, "zh_Hant")],
     ("A-305", 600, 130), [(MK.INCORPORATED, 580, None), (MK.BUSINESS_MANAGER, 560, None),
                           (MK.FUNDING, 400, 50_000_000), (MK.HIRES, 300, 4), (MK.PATENT, 200, None),
                           (MK.HOME_EXPANSION, 30, None)], None),
    ("Bengaluru HealthAI", "Bengaluru HealthAI", "ベンガルールヘルスAI", "IN", Sector.LIFE_SCIENCE,
     VentureStage.PROTOTYPE,
     [("Arjun Mehta", "MEHTA Arjun", "メータ アルジュン", "IN", Role.FOUNDER, RS.STARTUP_VISA, 25, "en")],
     ("A-201", 90, 275), [], None),
    ("Chiang Mai Coffee Tech", "เชียงใหม่ คอฟฟี่ เทค", "チェンマイコーヒーテック", "TH", Sector.OTHER, VentureStage.EARLY_REVENUE,
     [("ปิยะ ศรีสุข", "SRISUK Piya", "シースック ピヤ", "TH", Role.FOUNDER, RS.BUSINESS_MANAGER, 150, "en")],
     ("A-202", 200, 165), [(MK.INCORPORATED, 180, None), (MK.BUSINESS_MANAGER, 170, None),
                           (MK.FIRST_CUSTOMER, 120, None)], None),
    ("Jakarta Logistics Cloud", "Jakarta Logistics Cloud", "ジャカルタロジスティクスクラウド", "ID", Sector.IT,
     VentureStage.EARLY_REVENUE,
     [("Dewi Lestari", "LESTARI Dewi", "レスタリ デウィ", "ID", Role.FOUNDER, RS.BUSINESS_MANAGER, 88, "en"),
      ("Budi Santoso", "SANTOSO Budi", "サントソ ブディ", "ID", Role.EMPLOYEE, RS.ENGINEER_HUMANITIES, 500, "en")],
     ("A-303", 250, 115), [(MK.INCORPORATED, 240, None), (MK.BUSINESS_MANAGER, 225, None),
                           (MK.FUNDING, 100, 8_000_000)], None),
    ("Manila Fintech Bridge", "Manila Fintech Bridge", "マニラフィンテックブリッジ", "PH", Sector.IT, VentureStage.IDEA,
     [("Maria Santos", "SANTOS Maria", "サントス マリア", "PH", Role.FOUNDER, RS.STARTUP_VISA, 140, "en")],
     ("A-203", 60, 305), [], None),
    ("Penang Semiconductor Design", "Penang Semiconductor Design", "ペナン半導体デザイン", "MY", Sector.MANUFACTURING,
     VentureStage.GROWTH,
     [("Tan Wei Ming", "TAN Wei Ming", "タン ウェイミン", "MY", Role.FOUNDER, RS.HIGHLY_SKILLED, 900, "en")],
     ("B-106", 500, 230), [(MK.INCORPORATED, 480, None), (MK.JOINT_RESEARCH, 300, None),
                           (MK.FUNDING, 250, 120_000_000), (MK.HIRES, 150, 6)], None),
    ("Ulaanbaatar Cashmere Digital", "Улаанбаатар Кашемир Дижитал", "ウランバートルカシミヤデジタル", "MN", Sector.OTHER,
     VentureStage.PROTOTYPE,
     [("Батбаяр Ганбат", "GANBAT Batbayar", "ガンバト バトバヤル", "MN", Role.FOUNDER, RS.STARTUP_VISA, 70, "en")],
     ("A-204", 150, 215), [], None),
    ("Kathmandu Himalaya Herbs", "काठमाडौं हिमालय हर्ब्स", "カトマンズヒマラヤハーブ", "NP", Sector.LIFE_SCIENCE,
     VentureStage.IDEA,
     [("राम शर्मा", "SHARMA Ram", "シャルマ ラム", "NP", Role.FOUNDER, RS.STUDENT, 33, "en")],
     ("A-205", 40, 325), [], None),
    ("Singapore Carbon Ledger", "Singapore Carbon Ledger", "シンガポールカーボンレジャー", "SG", Sector.ENERGY,
     VentureStage.EARLY_REVENUE,
     [("Lim Hui Min", "LIM Hui Min", "リム フイミン", "SG", Role.FOUNDER, RS.BUSINESS_MANAGER, 420, "en")],
     ("A-304", 300, 65), [(MK.INCORPORATED, 280, None), (MK.KAWASAKI_PARTNERSHIP, 150, None)], None),
    ("Dalian Hydrogen Systems", "大连氢能系统", "大連水素システム", "CN", Sector.ENERGY, VentureStage.PROTOTYPE,
     [("王 磊", "WANG Lei", "オウ ライ", "CN", Role.FOUNDER, RS.STARTUP_VISA, 160, "zh_Hans"),
      ("张 敏", "ZHANG Min", "チョウ ミン", "CN", Role.FOUNDER, RS.DEPENDENT, 160, "zh_Hans")],
     ("B-107", 180, 185), [(MK.PATENT, 40, None)], None),
    ("Shenzhen Edge Vision", "深圳边缘视觉", "深センエッジビジョン", "CN", Sector.IT, VentureStage.GROWTH,
     [("黄 伟", "HUANG Wei", "コウ イ", "CN", Role.FOUNDER, RS.BUSINESS_MANAGER, 55, "zh_Hans"),
      ("周 丽", "ZHOU Li", "シュウ リ", "CN", Role.EMPLOYEE, RS.ENGINEER_HUMANITIES, 9, "zh_Hans")],
     ("A-306", 700, 40), [(MK.INCORPORATED, 680, None), (MK.BUSINESS_MANAGER, 650, None),
                          (MK.FIRST_CUSTOMER, 500, None), (MK.FUNDING, 300, 30_000_000), (MK.HIRES, 200, 3)], None),
    ("Busan Marine Robotics", "부산 해양 로보틱스", "釜山マリンロボティクス", "KR", Sector.ROBOTICS,
     VentureStage.EARLY_REVENUE,
     [("정 수빈", "JUNG Su-bin", "チョン スビン", "KR", Role.FOUNDER, RS.BUSINESS_MANAGER, 230, "ko")],
     ("B-108", 350, 15), [(MK.INCORPORATED, 330, None), (MK.JOINT_RESEARCH, 200, None)], None),
    ("Hanoi EdTech Studio", "Hanoi EdTech Studio", "ハノイエドテックスタジオ", "VN", Sector.IT, VentureStage.PROTOTYPE,
     [("Bùi Thu Trang", "BUI Thu Trang", "ブイ トゥー チャン", "VN", Role.FOUNDER, RS.STARTUP_VISA, 100, "vi")],
     ("A-206", 100, 265), [], None),
    ("Hsinchu BioMaterials", "新竹生醫材料", "新竹バイオマテリアル", "TW", Sector.LIFE_SCIENCE, VentureStage.PROTOTYPE,
     [("張 家豪", "CHANG Chia-hao", "チョウ カゴウ", "TW", Role.FOUNDER, RS.RESEARCHER, 365, "zh_Hant")],
     ("B-101", 220, 145), [(MK.JOINT_RESEARCH, 150, None)], None),
    ("Incheon Smart Port", "인천 스마트 포트", "仁川スマートポート", "KR", Sector.IT, VentureStage.IDEA,
     [("한 지민", "HAN Ji-min", "ハン ジミン", "KR", Role.FOUNDER, RS.STARTUP_VISA, 180, "ko")],
     ("A-207", 30, 335), [], None),
    ("Cebu Ocean Plastics", "Cebu Ocean Plastics", "セブオーシャンプラスチック", "PH", Sector.ENVIRONMENT,
     VentureStage.PROTOTYPE,
     [("Jose Reyes", "REYES Jose", "レイエス ホセ", "PH", Role.FOUNDER, RS.BUSINESS_MANAGER, 75, "en")],
     ("A-307", 160, 205), [(MK.INCORPORATED, 120, None)], None),
    ("Pune Battery Recycling", "Pune Battery Recycling", "プネバッテリーリサイクル", "IN", Sector.ENERGY,
     VentureStage.EARLY_REVENUE,
     [("Priyanka Desai", "DESAI Priyanka", "デサイ プリヤンカ", "IN", Role.FOUNDER, RS.BUSINESS_MANAGER, 260, "en"),
      ("Rahul Iyer", "IYER Rahul", "アイヤー ラフル", "IN", Role.EXECUTIVE, RS.HIGHLY_SKILLED, 46, "en")],
     ("B-102", 280, 85), [(MK.INCORPORATED, 260, None), (MK.FUNDING, 90, 25_000_000)], None),
    ("Bangkok Elder Care Robotics", "บางกอก เอลเดอร์แคร์ โรโบติกส์", "バンコクエルダーケアロボティクス", "TH",
     Sector.ROBOTICS, VentureStage.PROTOTYPE,
     [("สุดา วงศ์ใหญ่", "WONGYAI Suda", "ウォンヤイ スダ", "TH", Role.FOUNDER, RS.STARTUP_VISA, 20, "en")],
     ("A-208", 130, 235), [], None),
    ("Qingdao Food Safety", "青岛食品安全检测", "青島フードセーフティ", "CN", Sector.LIFE_SCIENCE, VentureStage.EARLY_REVENUE,
     [("孙 涛", "SUN Tao", "ソン トウ", "CN", Role.FOUNDER, RS.BUSINESS_MANAGER, 310, "zh_Hans")],
     ("A-308", 450, 280), [(MK.INCORPORATED, 420, None), (MK.FIRST_CUSTOMER, 350, None),
                           (MK.KAWASAKI_PARTNERSHIP, 60, None)], None),
    ("Da Nang Tourism Data", "Dữ Liệu Du Lịch Đà Nẵng", "ダナンツーリズムデータ", "VN", Sector.IT, VentureStage.IDEA,
     [("Phan Văn Long", "PHAN Van Long", "ファン ヴァン ロン", "VN", Role.FOUNDER, RS.STARTUP_VISA, 85, "vi")],
     ("A-209", 20, 345), [], None),
    ("Kaohsiung Green Steel", "高雄綠色鋼鐵", "高雄グリーンスチール", "TW", Sector.MANUFACTURING, VentureStage.PROTOTYPE,
     [("吳 建宏", "WU Chien-hung", "ゴ ケンコウ", "TW", Role.FOUNDER, RS.BUSINESS_MANAGER, 190, "zh_Hant")],
     ("B-103", 260, 105), [(MK.INCORPORATED, 250, None), (MK.PATENT, 100, None)], None),
    # Alumni
    ("Suzhou Silk Robotics", "苏州丝绸机器人", "蘇州シルクロボティクス", "CN", Sector.ROBOTICS, VentureStage.GROWTH,
     [("徐 明", "XU Ming", "ジョ メイ", "CN", Role.FOUNDER, RS.BUSINESS_MANAGER, 800, "zh_Hans")],
     ("A-309", 1100, -365), [(MK.INCORPORATED, 1050, None), (MK.BUSINESS_MANAGER, 1000, None),
                             (MK.FUNDING, 700, 80_000_000), (MK.HIRES, 600, 8),
                             (MK.KAWASAKI_PARTNERSHIP, 500, None)],
     (365, VentureStatus.GRADUATED, Dest.KAWASAKI, "Moved to its own factory in Kawasaki-ku with 12 staff.")),
    ("Daegu Medical Devices", "대구 메디컬 디바이스", "大邱メディカルデバイス", "KR", Sector.LIFE_SCIENCE, VentureStage.GROWTH,
     [("윤 서준", "YOON Seo-jun", "ユン ソジュン", "KR", Role.FOUNDER, RS.BUSINESS_MANAGER, 600, "ko")],
     ("B-104", 900, -200), [(MK.INCORPORATED, 850, None), (MK.FUNDING, 500, 60_000_000),
                            (MK.HOME_EXPANSION, 220, None)],
     (200, VentureStatus.GRADUATED, Dest.JAPAN, "Opened its Japanese headquarters in Yokohama.")),
    ("Hue Craft Commerce", "Thương Mại Thủ Công Huế", "フエクラフトコマース", "VN", Sector.OTHER, VentureStage.IDEA,
     [("Trương Thị Lan", "TRUONG Thi Lan", "チュオン ティ ラン", "VN", Role.FOUNDER, RS.STARTUP_VISA, 400, "vi")],
     ("A-210", 500, -250), [],
     (250, VentureStatus.WITHDRAWN, Dest.HOME_COUNTRY, "Went back to Vietnam to run the business from Hue.")),
    ("Xiamen Solar Coatings", "厦门太阳能涂层", "アモイソーラーコーティング", "CN", Sector.ENERGY, VentureStage.GROWTH,
     [("郑 华", "ZHENG Hua", "テイ カ", "CN", Role.FOUNDER, RS.BUSINESS_MANAGER, 900, "zh_Hans")],
     ("A-310", 800, -90), [(MK.INCORPORATED, 780, None), (MK.FUNDING, 400, 40_000_000),
                           (MK.HOME_EXPANSION, 120, None)],
     (90, VentureStatus.GRADUATED, Dest.HOME_COUNTRY, "Grew its Kawasaki sales office and moved production to "
                                                      "Xiamen.")),
]

# Ventures with the readiness checklist filled in: criterion -> state and evidence.
READINESS = {
    "Hangzhou Clean Water": {Criterion.CAPITAL: (State.MET, "Paid-in capital JPY 30,000,000 (registration)."),
                             Criterion.OFFICE: (State.MET, "Private office A-301 at THINK."),
                             Criterion.JAPANESE: (State.NOT_MET, "JLPT N3; N2 exam planned for July."),
                             Criterion.EMPLOYEE: (State.UNKNOWN, "")},
    "Seoul Mobility Lab": {Criterion.CAPITAL: (State.NOT_MET, "JPY 8 million so far."),
                           Criterion.EXPERIENCE: (State.MET, "Master's degree in robotics, KAIST."),
                           Criterion.OFFICE: (State.MET, "Lab B-105 at THINK.")},
}


def _card(days: int | None, today: date) -> date | None:
    return None if days is None else today + timedelta(days=days)


def seed_ventures() -> None:
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@think.example.jp"))
    today = today_in_tokyo()
    rooms = {space.room_number: space for space in db.session.scalars(sa.select(Space))}
    for name, native, name_ja, country, sector, stage, members, lease, outcomes, exit_ in VENTURES:
        if db.session.scalar(sa.select(Venture.id).where(Venture.name_latin == name)):
            continue
        started = today - timedelta(days=lease[1])
        venture = services.create_venture(staff, {
            "name_latin": name, "name_native": native, "name_ja": name_ja, "country_code": country,
            "sector": sector, "stage": stage, "status": VentureStatus.INCUBATING, "corporate_number": None,
            "website": f"https://{name.lower().replace(' ', '-')}.example.com",
            "is_listing_consented": sector is not Sector.OTHER})
        for own, latin, kana, nationality, role, status, card_days, locale in members:
            services.add_member(venture, staff, {
                "role": role, "name_native": own, "name_latin": latin, "name_kana": kana, "nationality": nationality,
                "email": f"{latin.split()[0].lower()}.{latin.split()[-1].lower()}@{name.split()[0].lower()}.example.com",
                "locale": locale, "residence_status": status,
                "residence_card_expires_on": _card(card_days, today) if not exit_ else _card(card_days, started),
                "started_on": started})
        room, _ago, ends_in = lease
        space = rooms[room]
        spaces.create_lease(venture, staff, space, started, today + timedelta(days=ends_in), space.monthly_rent_yen,
                            space.monthly_rent_yen * 2)
        for kind, days_ago, figure in outcomes:
            milestones.add_milestone(
                venture, staff, kind=kind, occurred_on=today - timedelta(days=days_ago),
                amount_yen=figure if kind is MK.FUNDING else None, headcount=figure if kind is MK.HIRES else None,
                member_id=venture.members[0].id if kind is MK.BUSINESS_MANAGER else None, note="", confirmed=True)
        if exit_:
            days_ago, status, destination, reason = exit_
            services.exit_venture(venture, staff, status, today - timedelta(days=days_ago), reason, destination)
        for criterion, (state, evidence) in READINESS.get(name, {}).items():
            readiness.set_item(venture, staff, criterion, state, evidence)
    _seed_quarterly_figures(staff, today)
    _seed_tenant_from_intake(staff, today, rooms)
    db.session.flush()


def _seed_tenant_from_intake(staff: User, today: date, rooms) -> None:
    """Shanghai BioSensor became a venture through intake; its founder (founder.cn2@) is the demo tenant."""
    venture = db.session.scalar(sa.select(Venture).where(Venture.name_latin == "Shanghai BioSensor"))
    if venture is None or spaces.leases_of(venture):
        return
    db.session.refresh(venture, ["members"])
    founder = venture.members[0]
    founder.residence_status = RS.BUSINESS_MANAGER
    founder.residence_card_expires_on = today + timedelta(days=75)
    space = rooms["A-311"]
    spaces.create_lease(venture, staff, space, today - timedelta(days=310), today + timedelta(days=55),
                        space.monthly_rent_yen, space.monthly_rent_yen * 2)
    milestones.add_milestone(venture, staff, kind=MK.INCORPORATED, occurred_on=today - timedelta(days=200),
                             amount_yen=None, headcount=None, member_id=None, note="", confirmed=True)
    tenant = db.session.get(User, founder.user_id)
    milestones.add_milestone(venture, tenant, kind=MK.FIRST_CUSTOMER, occurred_on=today - timedelta(days=12),
                             amount_yen=None, headcount=None, member_id=None,
                             note="Pilot contract with a hospital in Kawasaki.", confirmed=False)
    readiness.set_item(venture, staff, Criterion.OFFICE, State.MET, "Private office A-311 at THINK.")
    readiness.set_item(venture, staff, Criterion.CAPITAL, State.NOT_MET, "JPY 12 million paid in.")


def _seed_quarterly_figures(staff: User, today: date) -> None:
    """Four quarters of figures for two ventures; the latest of one waits for the staff's confirmation."""
    year, quarter = milestones.quarter_of(today)
    for name, base in (("Taipei Precision Optics", 9_000_000), ("Shenzhen Edge Vision", 4_000_000)):
        venture = db.session.scalar(sa.select(Venture).where(Venture.name_latin == name))
        if venture is None or milestones.updates_of(venture):
            continue
        y, q = year, quarter
        for step in range(4):
            y, q = (y, q - 1) if q > 1 else (y - 1, 4)  # completed quarters only
            milestones.record_update(venture, staff, fiscal_year=y, quarter=q, revenue_yen=base - step * 700_000,
                                     headcount=8 - step, funding_to_date_yen=50_000_000, note="",
                                     confirmed=not (name == "Shenzhen Edge Vision" and step == 0))
