"""Vocabulary for the benchmark's generated Japanese posts: municipal Q&A, no downloads.

Nothing here contains a Markdown or HTML special character (no * _ # > - [ ] ` < & digits at
the start of a line), so a body of plain paragraphs renders to exactly ``<p>…</p>`` per
paragraph and the seeder can wrap paragraphs instead of running the Markdown renderer a
million times (bench/pages_seed.py checks a sample against ``render_markdown``).
"""

import random


def _words(text: str) -> list[str]:
    return text.split()


# (slug, field slug, name ja, name en, description ja, join policy, relative size)
BOARDS = [
    ("vaccination", "health", "予防接種", "Vaccination",
     "接種券の発送、集団接種会場の運営、ワクチンの保管など予防接種業務の情報交換。", "open"),
    ("welfare", "welfare", "生活保護", "Public assistance",
     "生活保護のケースワーク、申請対応、制度運用についての相談。", "open"),
    ("procurement", "finance", "調達・契約", "Procurement",
     "入札・契約事務、仕様書の作り方、電子入札の運用。", "approval"),
    ("disaster", "safety", "防災", "Disaster prevention",
     "避難所運営、防災訓練、備蓄品の管理。", "open"),
    ("childcare", "welfare", "子育て支援", "Childcare",
     "保育所入所、児童手当、乳幼児健診の実務。", "open"),
    ("tax", "finance", "税務", "Taxation", "住民税、固定資産税、収納対策の相談。", "open"),
    ("registry", "citizens", "戸籍・住民票", "Family registers",
     "戸籍、住民票、マイナンバーカード交付の窓口業務。", "open"),
    ("elderly", "welfare", "介護保険", "Long-term care", "要介護認定と介護保険料の運用。", "open"),
    ("insurance", "health", "国民健康保険", "National health insurance",
     "国保の資格管理と保険税の賦課。", "open"),
    ("ict", "administration", "情報システム", "Information systems",
     "標準化、ガバメントクラウド、LGWAN の運用。", "open"),
    ("personnel", "administration", "人事・給与", "Personnel", "会計年度任用職員、給与、研修。",
     "approval"),
    ("budget", "finance", "財政・予算", "Budget", "予算編成、補正予算、決算統計。", "open"),
    ("assembly", "administration", "議会事務", "Assembly", "議会答弁、委員会資料、請願の処理。",
     "open"),
    ("tourism", "economy", "観光振興", "Tourism", "観光客誘致、ふるさと納税、イベント運営。",
     "open"),
    ("water", "infrastructure", "上下水道", "Water and sewerage",
     "水道料金、漏水対応、下水道の維持管理。", "open"),
    ("roads", "infrastructure", "道路・土木", "Roads", "道路管理、占用許可、橋梁点検。", "open"),
    ("environment", "infrastructure", "環境・ごみ", "Environment",
     "ごみ収集、分別、不法投棄対策。", "open"),
    ("education", "citizens", "教育委員会", "Board of education",
     "学校施設、就学援助、給食費の事務。", "open"),
    ("publicity", "administration", "広報", "Public relations", "広報紙、ウェブサイト、SNS 発信。",
     "open"),
    ("moderators", "administration", "モデレーター室", "Moderators' room",
     "モデレーター同士の連絡用（招待制）。", "invite"),
]  # fmt: skip

FIELDS = [
    ("health", "保健・医療", "Health", 10),
    ("welfare", "福祉", "Welfare", 20),
    ("finance", "財政・契約", "Finance", 30),
    ("safety", "防災・安全", "Safety", 40),
    ("citizens", "市民サービス", "Citizen services", 50),
    ("administration", "総務", "Administration", 60),
    ("economy", "産業・観光", "Economy", 70),
    ("infrastructure", "都市基盤", "Infrastructure", 80),
]

SURNAMES = _words(
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 "
    "斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤"
)
GIVEN_NAMES = _words(
    "花子 一郎 美咲 健 由美 翔太 陽菜 大輔 愛 拓也 恵 直樹 彩 誠 明美 浩 真由美 隆 智子 亮 "
    "優子 修 裕子 学 千尋 剛 舞 聡 香織 勇気"
)
DEPARTMENTS = _words(
    "健康増進課 予防接種課 生活福祉課 契約管財課 危機管理課 子育て支援課 税務課 市民課 "
    "介護保険課 保険年金課 情報政策課 人事課 財政課 議会事務局 観光課 水道課 道路課 環境課 "
    "学校教育課 広報課"
)
POSITIONS = _words("主事 主任 主査 係長 課長補佐 ケースワーカー 保健師")

TOPICS = _words(
    "接種 保管 入札 生活保護 ケースワーク モデルナ ファイザー 避難所 接種券 予診票 冷凍庫 "
    "ディープフリーザー 仕様書 電子入札 予定価格 最低制限価格 随意契約 指名競争入札 保護費 "
    "扶養照会 訪問調査 就労支援 医療扶助 要配慮者 福祉避難所 防災訓練 罹災証明 ハザードマップ "
    "住民票 マイナンバーカード 窓口対応 固定資産税 補正予算 議会答弁 条例改正 要綱 "
    "会計年度任用職員 業務委託 指定管理者 保育所入所 児童手当 乳幼児健診 要介護認定 "
    "ふるさと納税 漏水 占用許可 橋梁点検 ごみ分別 不法投棄 就学援助 給食費 広報紙 "
    "ガバメントクラウド 標準化 LGWAN 備蓄品 集団接種会場 副反応 キャンセル待ち 個別接種"
)
OBJECTS = _words(
    "運用 手順 様式 通知文 記載例 判断基準 スケジュール 費用負担 システム改修 委託先 "
    "申請書 決裁 マニュアル 研修資料 住民説明 問い合わせ対応 人員配置 記録の残し方 "
    "国への報告 県との調整 予算措置 事務の流れ 実績報告 監査対応"
)
PLACES = _words("当市 当町 うちの村 本市 近隣の市 県内の自治体 政令市 中核市 隣の町 昨年度の担当課")
ASKS = (
    "どのようにされていますか。",
    "皆さんのところではどう運用していますか。",
    "参考になる資料があれば教えてください。",
    "判断に迷っています。",
    "事例があれば共有いただけないでしょうか。",
    "国の通知の解釈で悩んでいます。",
    "注意点があれば教えてください。",
)
STATEMENTS = (
    "{place}では{topic}の{object}を見直しました。",
    "{place}の場合、{topic}は{object}を先に決めてから進めています。",
    "{topic}については{object}を担当課で共有しておくと後が楽です。",
    "昨年度は{topic}で{object}が間に合わず、住民からの問い合わせが増えました。",
    "{topic}の{object}は県の担当者に事前に相談しておくと安心です。",
    "うちでは{topic}に関する{object}を年度初めに更新しています。",
    "{object}の様式は{place}のものを参考にさせていただきました。",
    "{topic}の件、{place}でも同じことで悩んでいました。",
    "結論から言うと{topic}は{object}で対応できました。",
    "{topic}の{object}について、議会でも質問が出ています。",
    "ありがとうございます、{object}の件とても参考になりました。",
    "{place}では{topic}を{object}とあわせて外部に委託しています。",
)
QUESTIONS = (
    "{topic}の{object}について、{ask}",
    "{place}で{topic}を担当しています。{object}は{ask}",
    "{topic}に関する{object}、{ask}",
)
TITLES = (
    "{topic}の{object}について教えてください",
    "{topic}の{object}はどうしていますか",
    "【相談】{topic}と{object}",
    "{topic}：{object}の事例を探しています",
    "{place}の{topic}担当です、{object}で困っています",
)


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        topic=rng.choice(TOPICS),
        object=rng.choice(OBJECTS),
        place=rng.choice(PLACES),
        ask=rng.choice(ASKS),
    )


def sentence_pool(rng: random.Random, size: int) -> list[str]:
    templates = STATEMENTS * 3 + QUESTIONS
    return [_fill(rng.choice(templates), rng) for _ in range(size)]


def title(rng: random.Random) -> str:
    return _fill(rng.choice(TITLES), rng)


def body_paragraphs(rng: random.Random, sentences: list[str]) -> list[str]:
    """Paragraphs of 100–600 characters in all: a few sentences each."""
    target = rng.randint(100, 600)
    picked = rng.choices(sentences, k=32)
    paragraphs: list[str] = []
    current = ""
    length = 0
    for index, sentence in enumerate(picked):
        if length + len(sentence) > 600:
            break
        current += sentence
        length += len(sentence)
        if length >= target:
            break
        if index % 3 == 2:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs
