"""Thai, Lao, Burmese and Khmer text (the third new-user trial, D-L1): Thai writes no full
stop and no space between words, so every paragraph was one "sentence" of a few "words"
without final punctuation, taken for a heading: a Thai article could not be summarised.

All texts are made up for these tests. Model-free or on the deterministic fake encoder.
"""

from __future__ import annotations

from summarize import summarize
from summarize.dedup.document import deduplicate_document
from summarize.rank.candidates import candidates
from summarize.results import Reason
from summarize.text.normalize import word_count
from summarize.text.prepare import prepare
from summarize.text.segment import segment

TITLE = "เทศบาลเมืองริมน้ำเปิดสะพานคนเดินแห่งใหม่"
BRIDGE = (
    f"{TITLE}\n\n"
    "เช้าวันจันทร์ที่ 3 มีนาคม เทศบาลเมืองริมน้ำได้จัดพิธีเปิดสะพานคนเดินข้ามแม่น้ำสายกลาง"
    "อย่างเป็นทางการ มีประชาชนกว่าสองพันคนมาร่วมงาน "
    "นายกเทศมนตรีกล่าวว่าสะพานนี้จะช่วยให้ชาวบ้านสองฝั่งเดินทางไปมาหาสู่กันได้สะดวกขึ้น\n\n"
    "สะพานมีความยาว 420 เมตร ใช้งบประมาณก่อสร้างทั้งสิ้น 185 ล้านบาท "
    "การก่อสร้างใช้เวลาเกือบสองปี ล่าช้ากว่ากำหนดเดิมประมาณห้าเดือนเนื่องจากระดับน้ำสูงในฤดูฝน\n\n"
    "ร้านค้าริมตลาดเก่าคาดว่าจะมีลูกค้าเพิ่มขึ้นมาก "
    "เจ้าของร้านขายขนมรายหนึ่งบอกว่ายอดขายวันแรกสูงกว่าวันปกติเกือบเท่าตัว\n\n"
    "เทศบาลยังวางแผนติดตั้งไฟส่องสว่างและกล้องวงจรปิดเพิ่มเติมภายในสิ้นปีนี้ "
    "เพื่อให้ผู้สัญจรรู้สึกปลอดภัยในเวลากลางคืน\n\n"
    "ผู้สูงอายุในชุมชนหลายคนกล่าวขอบคุณเจ้าหน้าที่ที่ทำงานอย่างหนักตลอดการก่อสร้าง"
)


def _sentences(text: str) -> list[str]:
    return [s.text for s in segment(text)[1]]


def _excluded(text: str) -> dict[str, Reason]:
    doc = prepare(text)
    return {e.text: e.reason for e in candidates(doc, deduplicate_document(doc, None)).excluded}


def test_a_thai_article_is_summarised_from_its_body(fake_encoder) -> None:
    result = summarize(BRIDGE, sentences=2, model=fake_encoder)
    picked = [s.text for s in result.sentences]
    assert len(picked) == 2
    assert TITLE not in picked
    assert all(s in BRIDGE for s in picked)


def test_thai_paragraphs_are_body_text_and_the_headline_the_title() -> None:
    excluded = _excluded(BRIDGE)
    assert excluded == {TITLE: Reason.TITLE}
    # the trial's shape: one paragraph of several sentences, no title, no final stop
    one = BRIDGE.split("\n\n", 2)[1]
    assert _excluded(one) == {}


def test_a_long_thai_headline_of_several_clauses_is_the_title() -> None:
    # 106 characters, 3 clauses: 53 "words" in the two-characters-a-word count of CJK
    headline = (
        "เทศบาลเมืองริมน้ำเปิดสะพานคนเดินข้ามแม่น้ำสายกลาง ใช้งบประมาณ 185 ล้านบาท "
        "ชาวบ้านสองฝั่งเดินทางสะดวกขึ้นมาก"
    )
    assert len(_sentences(headline)) == 3
    doc = prepare(BRIDGE.replace(TITLE, headline))
    assert doc.title_span == (0, len(headline))
    assert set(_excluded(BRIDGE.replace(TITLE, headline)).values()) == {Reason.TITLE}


def test_a_lao_paragraph_is_split_at_the_space_between_its_sentences() -> None:
    lao = [
        "ວັນນີ້ຝົນຕົກໜັກຢູ່ນະຄອນຫຼວງວຽງຈັນຫຼາຍຊົ່ວໂມງ",
        "ຖະໜົນຫຼາຍສາຍຖືກນ້ຳຖ້ວມຢ່າງໜັກໃນຕອນແລງ",
    ]
    assert _sentences(" ".join(lao)) == lao
    assert _sentences("ວັນນີ້ຝົນຕົກໜັກຢູ່ນະຄອນຫຼວງວຽງຈັນ ແລະ ຖະໜົນຫຼາຍສາຍຖືກນ້ຳຖ້ວມ") != lao


def test_a_short_thai_line_on_its_own_is_still_a_heading() -> None:
    heading = "ผลกระทบต่อร้านค้า"  # "the effect on shops": a subheading
    text = BRIDGE.replace("ร้านค้าริมตลาดเก่า", f"{heading}\n\nร้านค้าริมตลาดเก่า")
    assert _excluded(text)[heading] == Reason.HEADING


def test_a_thai_paragraph_is_split_at_the_spaces_between_its_sentences() -> None:
    paragraph = BRIDGE.split("\n\n")[2]
    assert _sentences(paragraph) == [
        "สะพานมีความยาว 420 เมตร",
        "ใช้งบประมาณก่อสร้างทั้งสิ้น 185 ล้านบาท",
        "การก่อสร้างใช้เวลาเกือบสองปี",
        "ล่าช้ากว่ากำหนดเดิมประมาณห้าเดือนเนื่องจากระดับน้ำสูงในฤดูฝน",
    ]


def test_a_thai_space_inside_a_sentence_is_no_cut() -> None:
    # a dateline ("on Monday 3 March"), before "เพื่อให้" ("so that") and "และ" ("and")
    assert _sentences(BRIDGE.split("\n\n")[1])[0].startswith("เช้าวันจันทร์ที่ 3 มีนาคม เทศบาล")
    assert len(_sentences(BRIDGE.split("\n\n")[4])) == 1
    clauses = "กรมอุตุนิยมวิทยาเตือนว่าฝนจะตกต่อเนื่องอีกสามวัน และขอให้ประชาชนติดตามข่าวสารอย่างใกล้ชิด"
    assert _sentences(clauses) == [clauses]
    # after a repeated word ("หลายๆ คน"), a name and its surname, inside a quotation
    repeated = "ชาวบ้านในหมู่บ้านริมแม่น้ำหลายๆ ครอบครัวต้องย้ายของขึ้นที่สูงตั้งแต่เมื่อคืน"
    assert _sentences(repeated) == [repeated]
    named = "ผู้อำนวยการโรงพยาบาลประจำจังหวัด นายสมชาย ใจดีมีความสุขมากกับผลการรักษาในปีนี้"
    assert _sentences(named) == [named]
    quoted = "“พวกเราดีใจมากที่มีสะพานแห่งใหม่ ต่อไปลูกหลานจะไปโรงเรียนได้ง่ายขึ้น” ชาวบ้านกล่าว"
    assert _sentences(quoted) == [quoted]


def test_a_thai_abbreviation_point_ends_no_sentence() -> None:
    text = "สะพานเปิดใช้ในปี พ.ศ. 2568 หลังจากรอคอยมานานหลายปีของชาวบ้านสองฝั่งแม่น้ำ"
    assert _sentences(text) == [text]


def test_burmese_and_khmer_full_stops_end_sentences() -> None:
    burmese = "ရန်ကုန်မြို့တွင် မိုးသည်းထန်စွာ ရွာသွန်းခဲ့သည်။ လမ်းများစွာ ရေလွှမ်းမိုးခဲ့သည်။"
    assert _sentences(burmese) == [
        "ရန်ကုန်မြို့တွင် မိုးသည်းထန်စွာ ရွာသွန်းခဲ့သည်။",
        "လမ်းများစွာ ရေလွှမ်းမိုးခဲ့သည်။",
    ]
    khmer = "ភ្លៀងធ្លាក់ខ្លាំងនៅភ្នំពេញ។ផ្លូវជាច្រើនត្រូវលិចទឹក។ សាលារៀនបានបិទ។"
    assert _sentences(khmer) == [
        "ភ្លៀងធ្លាក់ខ្លាំងនៅភ្នំពេញ។",
        "ផ្លូវជាច្រើនត្រូវលិចទឹក។",
        "សាលារៀនបានបិទ។",
    ]
    # a paragraph ending on its full stop is body text, whatever its length
    assert _excluded(f"{burmese}\n\n{khmer}") == {}


def test_words_are_counted_from_characters_only_in_these_scripts() -> None:
    vietnamese = "Chiều 5/12, một vụ sạt lở đất nghiêm trọng đã xảy ra."
    assert word_count(vietnamese) == len(vietnamese.split())
    thai = "โรงเรียนหลายแห่งในเขตบางเขนและเขตดอนเมืองประกาศปิดการเรียนการสอนชั่วคราว"
    assert word_count(thai) == round(len(thai) / 5) > 12


def test_sentences_of_scripts_without_capitals_are_split_at_their_stops() -> None:
    # Korean, Arabic, Hebrew after ". ": no capital letter follows to confirm the stop
    korean = ["서울에 어제 많은 비가 내렸다.", "도로 여러 곳이 침수됐다.", "학교는 문을 닫았다."]
    arabic = ["هطلت أمطار غزيرة على المدينة أمس.", "هل غمرت المياه الشوارع؟", "أغلقت المدارس."]
    hebrew = ["ירד גשם כבד בעיר אתמול.", "רחובות רבים הוצפו.", "בתי הספר נסגרו."]
    # Hindi's and Urdu's own full stops
    hindi = ["कल शहर में भारी बारिश हुई।", "कई सड़कें पानी में डूब गईं।", "स्कूल बंद रहे।"]
    urdu = ["گزشتہ روز شہر میں شدید بارش ہوئی۔", "کئی سڑکیں ڈوب گئیں۔"]
    for sentences in (korean, arabic, hebrew, hindi, urdu):
        assert _sentences(" ".join(sentences)) == sentences
    # a Hindi paragraph that ends on its full stop is body text, not a heading
    other = "नगर निगम ने पानी निकालने के लिए पंप लगाए। लोगों से घर में रहने को कहा गया।"
    assert _excluded(" ".join(hindi) + "\n\n" + other) == {}
