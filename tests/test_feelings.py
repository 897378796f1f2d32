"""Feeling detection: tables of rows that must match and rows that must not."""

from __future__ import annotations

import pytest

from assistant.offline.feelings import detect_feelings, feeling_entry, inventory

GOEMOTIONS = {
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion",
    "curiosity", "desire", "disappointment", "disapproval", "disgust", "embarrassment",
    "excitement", "fear", "gratitude", "grief", "joy", "love", "nervousness", "optimism", "pride",
    "realization", "relief", "remorse", "sadness", "surprise",
}  # fmt: skip


def explicit(text: str) -> list[str]:
    return [f.feeling for f in detect_feelings(text, limit=10) if f.source == "explicit"]


def situation(text: str) -> list[str]:
    return [f.feeling for f in detect_feelings(text, limit=10) if f.source == "situation"]


# --- the inventory ----------------------------------------------------------------------------


def test_inventory_is_curated_and_mapped_to_goemotions() -> None:
    entries = inventory()
    assert 60 <= len(entries) <= 90
    for entry in entries:
        assert entry.goemotions and set(entry.goemotions) <= GOEMOTIONS, entry.name
        assert entry.sentence in (f"You felt {entry.name}.", f"You were {entry.name}.")


@pytest.mark.parametrize(
    "word",
    [
        "stupid", "foolish", "small", "invisible", "unimportant", "replaced", "second-best",
        "forgotten", "unwanted", "alone", "lonely", "dismissed", "judged", "shamed", "embarrassed",
        "humiliated", "betrayed", "deceived", "lied to", "let down", "hurt", "angry", "furious",
        "resentful", "anxious", "scared", "insecure", "jealous", "confused", "sad", "heartbroken",
        "exhausted", "overwhelmed", "unappreciated", "taken for granted", "disrespected",
        "controlled", "trapped", "abandoned", "rejected", "unloved", "unsafe", "powerless",
        "guilty", "ashamed", "worthless", "left out", "blindsided", "unsupported", "distrusted",
        "exposed", "not good enough", "violated",
    ],
)  # fmt: skip
def test_inventory_holds_the_words_people_use(word: str) -> None:
    entry = feeling_entry(word)
    assert entry is not None and entry.name == word


@pytest.mark.parametrize(
    ("word", "name", "family", "say"),
    [
        ("mortified", "humiliated", "shame", "felt"),
        ("disappointed", "let down", "hurt", "felt"),
        ("Second best", "second-best", "hurt", "felt"),
        ("terrified", "scared", "fear", "felt"),
        ("betrayed", "betrayed", "hurt", "were"),
        ("humiliating", "humiliated", "shame", "felt"),
        ("mistrusted", "distrusted", "hurt", "felt"),
        ("invaded", "violated", "hurt", "felt"),
        ("undefended", "unsupported", "loneliness", "felt"),
        ("unworthy", "not good enough", "shame", "felt"),
    ],
)
def test_feeling_entry_collapses_synonyms(word: str, name: str, family: str, say: str) -> None:
    entry = feeling_entry(word)
    assert entry is not None
    assert (entry.name, entry.family, entry.say) == (name, family, say)


@pytest.mark.parametrize("word", ["happy", "wrong", "sorry", "table", ""])
def test_feeling_entry_knows_what_is_not_in_it(word: str) -> None:
    assert feeling_entry(word) is None


# --- explicit feelings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "feelings"),
    [
        ("I felt stupid.", ["stupid"]),
        ("I feel so alone.", ["alone"]),
        ("I was humiliated.", ["humiliated"]),
        ("I'm hurt.", ["hurt"]),
        ("I’m hurt.", ["hurt"]),
        ("im so hurt", ["hurt"]),
        ("It made me feel small.", ["small"]),
        ("That left me feeling completely invisible.", ["invisible"]),
        ("I was so embarrassed I wanted to disappear.", ["embarrassed"]),
        ("I've been anxious for weeks.", ["anxious"]),
        ("I got angry.", ["angry"]),
        ("I'm scared.", ["scared"]),
        ("It makes me sad.", ["sad"]),
        ("It made me so jealous.", ["jealous"]),
        ("I felt stupid and alone.", ["stupid", "alone"]),
        ("I felt hurt, angry and betrayed.", ["hurt", "angry", "betrayed"]),
        ("I was really, incredibly disappointed.", []),  # a comma between degree words ends it
        ("I was incredibly disappointed.", ["let down"]),
        ("I was a bit let down.", ["let down"]),
        ("I was mortified.", ["humiliated"]),
        ("I was lied to.", ["lied to"]),
        ("I was being ignored.", ["ignored"]),
        ("I felt like I was being replaced.", ["replaced"]),
        ("I felt taken for granted.", ["taken for granted"]),
        ("I feel second-best.", ["second-best"]),
        ("I hate feeling so unimportant.", ["unimportant"]),
        ("Came home and felt so stupid.", ["stupid"]),
        ("He shouted and I just froze and felt powerless.", ["powerless"]),
        ("It was humiliating.", ["humiliated"]),
        ("That's so embarrassing.", ["embarrassed"]),
        ("You were so dismissive.", ["dismissed"]),
        ("It felt like a betrayal and I was furious.", ["furious"]),
        ("I felt so much shame.", ["ashamed"]),
        ("I was not good enough for you.", ["not good enough"]),
        ("I'm not a priority to you.", ["unimportant"]),
        ("That really hurt.", ["hurt"]),
        ("You hurt my feelings.", ["hurt"]),
        ("I felt used.", ["used"]),
        ("I feel stuck.", ["trapped"]),
        ("I'm sick and tired of it.", ["frustrated"]),
        ("I FELT SO STUPID AND ALONE.", ["stupid", "alone"]),
    ],
)
def test_explicit_feelings(text: str, feelings: list[str]) -> None:
    assert explicit(text) == feelings


@pytest.mark.parametrize(
    ("text", "feeling"),
    [
        ("It's like I'm not even there.", "invisible"),
        ("When your friends are around it's like I don't exist.", "invisible"),
        ("You look right through me.", "invisible"),
        ("It's like I don't matter to you.", "unimportant"),
        ("I feel like an afterthought.", "unimportant"),
        ("I'm always at the bottom of your list.", "unimportant"),
        ("I felt like a fool.", "foolish"),
        ("You made a fool of me.", "foolish"),
        ("I felt like such an idiot.", "stupid"),
        ("I'm like a third wheel with your friends.", "left out"),
        ("I'm walking on eggshells around you.", "anxious"),
        ("I feel like I walk on eggshells.", "anxious"),
        ("You stabbed me in the back.", "betrayed"),
        ("I felt stabbed in the back.", "betrayed"),
        ("You threw me under the bus.", "betrayed"),
        ("It felt like the rug was pulled out from under me.", "blindsided"),
        ("You pulled the rug out from under me.", "blindsided"),
        ("I feel like your backup plan.", "second-best"),
        ("I felt like I was going crazy.", "crazy"),
        ("It broke my heart.", "heartbroken"),
        ("I feel like a maid in my own house.", "unappreciated"),
        ("It drives me crazy.", "frustrated"),
    ],
)
def test_idioms_name_feelings(text: str, feeling: str) -> None:
    assert explicit(text) == [feeling]


@pytest.mark.parametrize(
    ("text", "feelings"),
    [
        ("I wasn't angry, just sad.", ["sad"]),
        ("I wasn't angry, but sad.", ["sad"]),
        ("I'm not angry, I'm hurt.", ["hurt"]),
        ("I don't feel stupid.", []),
        ("I didn't feel stupid or small.", []),
        ("I was not jealous.", []),
        ("I never felt scared of you.", []),
        ("It didn't make me angry.", []),
        ("It didn't hurt.", []),
        ("It's not like I don't matter.", []),
        ("I don't feel loved.", ["unloved"]),
        ("I didn't feel heard or understood.", ["unheard", "misunderstood"]),
        ("I don't feel safe with you.", ["unsafe"]),
        ("I don't feel trusted.", ["distrusted"]),
        ("I wasn't invited.", []),  # explicit: no feeling word; the situation names it
    ],
)
def test_denied_feelings(text: str, feelings: list[str]) -> None:
    assert explicit(text) == feelings


@pytest.mark.parametrize(
    "text",
    [
        "I felt that you were wrong.",
        "I feel like you never listen.",
        "I feel we should talk more.",
        "I feel like you don't care what I think.",
        "I felt you were being unfair.",
        "I feel that this is the wrong decision.",
        "I felt like it was a mistake.",
        "I feel it's your turn.",
    ],
)
def test_thoughts_dressed_as_feelings_name_no_feeling(text: str) -> None:
    assert explicit(text) == []


@pytest.mark.parametrize(
    ("text", "feelings"),
    [
        ("My mom was furious.", []),
        ("You were angry.", []),
        ("You felt guilty, I could tell.", []),
        ("He seemed upset.", []),
        ("She was so embarrassed.", []),
        ("They felt awful about it.", []),
        ("You said I was stupid.", []),
        ("He told me I was crazy.", []),
        ("My sister felt lonely and left out.", []),
        ("He was angry and I was scared.", ["scared"]),
        ("I know you were tired, but I felt abandoned.", ["abandoned"]),
        ("You were lonely.", []),  # "lonely" is the partner's feeling here, not a cause
    ],
)
def test_other_peoples_feelings_are_not_the_speakers(text: str, feelings: list[str]) -> None:
    assert explicit(text) == feelings


@pytest.mark.parametrize(
    "text",
    [
        "When I was small we lived by the sea.",
        "I was used to it.",
        "I was stuck in traffic.",
        "I was down at the beach.",
        "I'm sure it was fine.",
        "I was sorry.",
        "I felt bad.",
        "I was happy.",
    ],
)
def test_facts_after_i_was_name_no_feeling(text: str) -> None:
    assert explicit(text) == []


# --- situations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "feelings"),
    [
        ("You promised you'd come and then you didn't.", ["let down"]),
        ("You cancelled our plans again.", ["let down"]),
        ("He never showed up.", ["let down"]),
        ("You broke your promise.", ["let down"]),
        ("You corrected me in front of everyone.", ["embarrassed"]),
        ("Everyone laughed when you told that story.", ["embarrassed"]),
        ("You lied about where you were.", ["betrayed", "deceived"]),
        ("He kept the debt a secret.", ["betrayed", "deceived"]),
        ("She was flirting with her coworker.", ["betrayed", "insecure"]),
        ("He cheated on me.", ["betrayed", "insecure"]),
        ("You forgot my birthday.", ["forgotten", "unimportant"]),
        ("Our anniversary came and went and he forgot.", ["forgotten", "unimportant"]),
        ("You ignored me all evening.", ["invisible", "lonely"]),
        ("You were on your phone the whole dinner.", ["invisible", "lonely"]),
        ("You commented on my weight.", ["judged", "hurt"]),
        ("He made a remark about what I was wearing.", ["judged", "hurt"]),
        ("You told your mom what I told you in confidence.", ["betrayed", "exposed"]),
        ("I told you something private and you shared it.", ["betrayed", "exposed"]),
        ("You used it against me in a fight.", ["betrayed", "exposed"]),
        ("They mocked my accent.", ["humiliated"]),
        ("You laughed at me.", ["humiliated"]),
        ("You yelled at me.", ["scared"]),
        ("He slammed the door.", ["scared"]),
        ("You chose your friends over me.", ["second-best"]),
        ("You went out with your buddies instead of our date.", ["second-best"]),
        ("You said I was overreacting.", ["dismissed"]),
        ("You booked the trip without asking me.", ["disrespected", "left out"]),
        ("You walked out.", ["abandoned", "scared"]),
        ("He pushed me away when I tried to hug him.", ["rejected", "unwanted"]),
        ("You never say thank you.", ["unappreciated", "taken for granted"]),
        ("You kept me waiting for hours.", ["let down"]),
        ("I wasn't even invited.", ["left out"]),
        ("They didn't invite me to the wedding.", ["left out"]),
    ],
)
def test_situations_imply_feelings(text: str, feelings: list[str]) -> None:
    assert situation(text) == feelings


@pytest.mark.parametrize(
    "text",
    [
        "I lied to you about the money.",
        "I forgot your birthday.",
        "I yelled at you.",
        "He never cheated on me.",
        "You didn't yell.",
        "We had a quiet dinner at home.",
        "I was lying in bed.",
        "You broke my heart.",  # an idiom for a feeling, not a yelling scene
    ],
)
def test_situations_that_do_not_apply(text: str) -> None:
    assert situation(text) == []


# Families of events, one row per phrasing: secrets and money, snooping and suspicion, eyes
# elsewhere, disclosure, put-downs, support, absence, attention, the load at home, fear, distance,
# and the speaker's own unease. Each family is a rule in data/situations.yaml.
@pytest.mark.parametrize(
    ("text", "feelings"),
    [
        ("She's been hiding the credit card statements.", ["betrayed", "deceived", "anxious"]),
        ("He didn't tell me about the loan until the bank called.", ["betrayed", "deceived"]),
        ("I caught him texting her at 2am.", ["betrayed", "deceived"]),
        ("I found the messages on his laptop.", ["betrayed", "deceived"]),
        ("I only found out when his sister mentioned it.", ["betrayed", "deceived"]),
        ("I had to hear about it from his mum.", ["betrayed", "deceived"]),
        ("She emptied our joint account.", ["betrayed", "anxious"]),
        ("He gambled away our holiday savings.", ["betrayed", "anxious"]),
        ("He's racked up thousands in credit card debt.", ["betrayed", "anxious"]),
        ("She took out a loan in both our names.", ["betrayed", "anxious"]),
        ("You went through my phone.", ["violated", "distrusted"]),
        ("She reads my emails.", ["violated", "distrusted"]),
        ("He checked my messages while I slept.", ["violated", "distrusted"]),
        ("He accused me of cheating.", ["distrusted"]),
        ("She called me a liar.", ["distrusted"]),
        ("He acts like I'm going to cheat on him.", ["distrusted"]),
        ("You don't trust me.", ["distrusted"]),
        ("He keeps liking his ex's photos.", ["insecure", "jealous"]),
        ("She still texts her ex every day.", ["insecure", "jealous"]),
        ("He was checking out other women all night.", ["insecure", "jealous"]),
        ("You told your friends about our sex life.", ["betrayed", "exposed"]),
        ("She told everyone at work that we were splitting up.", ["betrayed", "exposed"]),
        ("He quoted my diary back to me.", ["betrayed", "exposed"]),
        (
            "My mum read my letters out at dinner.",
            ["violated", "distrusted", "betrayed", "exposed"],
        ),
        ("He made a joke about my cooking.", ["humiliated"]),
        ("They laughed at my accent.", ["embarrassed", "humiliated"]),
        ("She said I was getting fat.", ["judged", "hurt"]),
        ("He told me my new haircut made me look older.", ["judged", "hurt"]),
        ("He told me I was lazy.", ["hurt", "belittled"]),
        ("She says I'm boring in bed.", ["hurt", "belittled", "rejected", "unwanted"]),
        ("He threw away my paintings.", ["hurt", "disrespected"]),
        ("She compared me to her ex.", ["not good enough"]),
        ("My sister was always the clever one.", ["not good enough"]),
        ("You didn't say a word when your dad insulted me.", ["unsupported", "alone"]),
        (
            "He said nothing while his sister mocked my accent.",
            ["unsupported", "alone", "humiliated"],
        ),
        ("When your mum criticised my job, you didn't say a word.", ["unsupported", "alone"]),
        ("He always sides with his mother.", ["unsupported", "alone"]),
        ("She took her friend's side.", ["unsupported", "alone"]),
        ("You never stand up for me.", ["unsupported", "alone"]),
        ("You let your brother talk to me like that.", ["unsupported", "alone"]),
        ("She left me alone at the party.", ["abandoned", "alone"]),
        ("He walked off and left me at the station.", ["abandoned", "alone"]),
        ("Dad forgot to pick me up from school.", ["abandoned", "alone"]),
        ("You didn't come to the hospital for my scan.", ["alone", "unimportant", "let down"]),
        ("He didn't text me all night.", ["anxious", "unimportant"]),
        ("I couldn't reach her for hours.", ["anxious", "unimportant"]),
        ("He promised to call. He never did.", ["let down"]),
        ("We'd agreed to save, and then you bought a car.", ["let down"]),
        ("You came home after midnight.", ["let down"]),
        ("She said she'd support me, then complained all week.", ["let down", "confused"]),
        ("He cancels on me whenever his friends call.", ["let down", "second-best", "unimportant"]),
        ("You didn't ask a single question about my trip.", ["invisible", "unimportant"]),
        ("He went back to his phone.", ["invisible", "unimportant"]),
        ("She checks her phone while I'm talking.", ["invisible", "unimportant"]),
        ("He goes silent for days.", ["invisible", "lonely"]),
        ("He said I was being paranoid.", ["dismissed"]),
        ("She says it's harmless.", ["dismissed"]),
        ("He told me to calm down.", ["dismissed"]),
        ("You rolled your eyes.", ["dismissed", "disrespected"]),
        ("He laughed when I told him I was worried.", ["dismissed", "disrespected"]),
        (
            "He booked the trip with his mates and just told me the dates.",
            ["left out", "disrespected"],
        ),
        ("She keeps making plans for us without asking.", ["disrespected", "left out"]),
        ("My boss took credit for my work.", ["unappreciated", "taken for granted"]),
        ("I do all the cooking and cleaning.", ["unappreciated", "taken for granted", "exhausted"]),
        (
            "He never lifts a finger around the house.",
            ["unappreciated", "taken for granted", "exhausted"],
        ),
        ("She doesn't do her share.", ["unappreciated", "taken for granted", "exhausted"]),
        ("I've asked him ten times to fix the door.", ["frustrated"]),
        ("He won't do anything unless I ask.", ["frustrated"]),
        ("Whenever someone raises their voice, I freeze.", ["scared", "overwhelmed"]),
        ("I couldn't breathe when he started shouting.", ["scared", "overwhelmed"]),
        ("He stopped wearing his wedding ring.", ["insecure", "rejected"]),
        ("She sleeps in the spare room now.", ["insecure", "rejected"]),
        ("I feel like everyone is staring at me.", ["insecure", "anxious"]),
        ("Plans always change at the last minute.", ["anxious", "insecure"]),
        ("I never know where I stand with her.", ["anxious", "insecure"]),
        ("She went quiet and I never knew what I'd done.", ["confused", "anxious"]),
        ("I have to earn his love.", ["not good enough", "anxious"]),
        ("Nothing I do is ever good enough.", ["not good enough", "anxious"]),
        ("I feel like nothing is solid.", ["anxious", "insecure"]),
    ],
)
def test_situation_families_imply_feelings(text: str, feelings: list[str]) -> None:
    assert situation(text) == feelings


# The speaker doing it, a joint act, a denial, or the same words about something harmless.
@pytest.mark.parametrize(
    "text",
    [
        "I laughed at his joke.",
        "I laughed at my own mistake.",
        "He never lied to me.",
        "She didn't hide anything.",
        "I went through my old photos.",
        "I read my emails.",
        "I checked my phone.",
        "I'd never cheat on him.",
        "I accused him of lying.",
        "I told my friends about our holiday.",
        "I compared the two offers.",
        "I threw away my old shoes.",
        "I do all my shopping online.",
        "I freeze the leftovers.",
        "I shut down the laptop.",
        "I can't think of a name.",
        "He took his coat off.",
        "We spent our savings on the house together.",
        "He found out he got the job.",
        "I never found out who sent it.",
        "He stood up for me.",
        "My sister sides of the family are big.",
        "She didn't tell me a joke.",
        "He went back to work after lunch.",
        "He told me I was beautiful.",
        "She said it was delicious.",
        "I'm going to cheat at cards tonight.",
        "He never went through my phone.",
        "I've asked him once.",
        "He said it was late.",
    ],
)
def test_situation_families_that_do_not_apply(text: str) -> None:
    assert situation(text) == []


def test_the_speaker_suspected_of_cheating_is_not_the_one_betrayed() -> None:
    feelings = situation("You keep bringing up my ex, as if I'm going to cheat on you too.")
    assert "distrusted" in feelings
    assert "betrayed" not in feelings


def test_a_figure_that_opens_a_clause_is_a_thought() -> None:
    assert explicit("It makes me feel like nothing is solid.") == []
    assert explicit("I feel like nothing to you.") == ["worthless"]


# --- the whole result -------------------------------------------------------------------------


def test_explicit_first_then_situation_deduplicated_and_limited() -> None:
    text = (
        "You laughed at me in front of your friends and then forgot my birthday. "
        "I felt so stupid and humiliated."
    )
    found = detect_feelings(text)
    assert [f.feeling for f in found] == ["stupid", "humiliated", "embarrassed", "forgotten"]
    assert [f.source for f in found] == ["explicit", "explicit", "situation", "situation"]
    assert len(detect_feelings(text, limit=2)) == 2


def test_spans_and_sentences() -> None:
    text = "Honestly I was let down, and I felt invisible."
    found = detect_feelings(text)
    assert [(text[f.start : f.end], f.sentence) for f in found] == [
        ("let down", "You felt let down."),
        ("invisible", "You felt invisible."),
    ]
    betrayed = detect_feelings("I was betrayed.")[0]
    assert betrayed.sentence == "You were betrayed."


def test_spans_survive_letters_that_change_length_when_lowered() -> None:
    text = "In İstanbul I felt invisible."
    (found,) = detect_feelings(text)
    assert text[found.start : found.end] == "invisible"


def test_a_denied_feeling_is_not_brought_back_by_a_situation() -> None:
    assert "embarrassed" not in [
        f.feeling
        for f in detect_feelings("You corrected me in front of everyone. I wasn't embarrassed.")
    ]


def test_no_text_no_feelings() -> None:
    assert detect_feelings("") == []
    assert detect_feelings("We went to the store.") == []


# --- generalisation: texting, idioms, and the wider families (evals/cases/reflections_train.yaml)


@pytest.mark.parametrize(
    ("text", "feelings"),
    [
        ("i dont feel loved", ["unloved"]),
        ("i didnt feel stupid", []),
        ("It's like we're furniture.", ["invisible"]),
        ("You don't even see me anymore.", ["invisible"]),
        ("You don't see me as a failure.", []),
        ("It's like talking to a wall.", ["unheard"]),
        ("It's like living with a stranger.", ["disconnected"]),
        ("I feel like I'm on trial.", ["distrusted"]),
        ("I'm so done.", ["frustrated"]),
        ("I'm done with the dishes.", []),
        ("It was like being kicked in the gut.", ["hurt"]),
        ("The floor dropped out from under me.", ["blindsided"]),
        ("It's like I'm the hired help.", ["unappreciated"]),
        ("He walks all over me.", ["disrespected"]),
        ("I felt like a mug.", ["foolish"]),
        ("I was blanked.", ["ignored"]),
    ],
)
def test_more_idioms_and_forms(text: str, feelings: list[str]) -> None:
    assert explicit(text) == feelings


@pytest.mark.parametrize(
    ("text", "feelings"),
    [
        ("he didnt show up", ["let down"]),
        ("When my dad was in hospital you went to the football instead.", ["alone", "unimportant"]),
        ("You went on holiday the week after I lost my job.", ["alone", "unimportant"]),
        ("You missed Ella's sports day.", ["let down", "unimportant"]),
        ("She turned up two hours late to my graduation.", ["let down", "unimportant"]),
        ("You were supposed to be at the play.", ["let down", "unimportant"]),
        ("You forgot to book the restaurant.", ["let down", "unimportant"]),
        ("You turned your phone off for two days.", ["anxious", "unimportant"]),
        ("He's still not home.", ["anxious", "unimportant"]),
        ("I stood there for forty minutes.", ["let down"]),
        ("You promised. Then the letter came.", ["let down"]),
        ("He'd been pretending to go to work.", ["betrayed", "deceived"]),
        ("I found a second phone in his bag.", ["betrayed", "deceived"]),
        ("you didnt mention it till i saw the photos", ["betrayed", "deceived"]),
        ("You told me that conversation never happened.", ["crazy", "confused"]),
        ("He tells me I remembered it wrong.", ["crazy", "confused"]),
        ("He tells his mates everything about our arguments.", ["betrayed", "exposed"]),
        ("My wife talks about our sex life with her sister.", ["betrayed", "exposed"]),
        ("I told you about my childhood and you brought it up in a row.", ["betrayed", "exposed"]),
        ("She shared the video of me in the group chat.", ["betrayed", "exposed"]),
        ("Everyone went quiet.", ["embarrassed"]),
        ("His brother found it hilarious.", ["embarrassed"]),
        ("He mimicked my voice.", ["humiliated"]),
        ("Your dad called me lazy.", ["hurt", "belittled"]),
        ("He said I'm lucky he puts up with me.", ["hurt", "belittled"]),
        ("He looked me up and down.", ["judged", "hurt"]),
        ("Your mum's roast was better than mine.", ["not good enough"]),
        ("He doesn't say a word to me.", ["invisible", "lonely"]),
        ("Nobody spoke to me all night.", ["invisible", "lonely"]),
        ("He walks straight past me.", ["invisible", "lonely"]),
        ("You blanked me.", ["invisible", "lonely"]),
        ("He goes back to the tv.", ["invisible", "unimportant"]),
        ("You turned the telly back up.", ["invisible", "unimportant"]),
        ("She barely looks up from her laptop.", ["invisible", "unimportant"]),
        ("He checks his emails at dinner.", ["invisible", "unimportant"]),
        ("You answered a work call during the nativity.", ["invisible", "unimportant"]),
        ("You said I should just relax.", ["dismissed"]),
        ("Stop being such a drama queen.", ["dismissed"]),
        ("He didn't ask, he announced it.", ["disrespected", "left out"]),
        ("You took the job before we'd even discussed it.", ["disrespected", "left out"]),
        ("You made a decision about my mum's care without me.", ["disrespected", "left out"]),
        ("He won't let me have my own bank card.", ["controlled", "trapped"]),
        ("He checks the receipts.", ["controlled", "trapped"]),
        ("He reads over my shoulder.", ["violated", "distrusted"]),
        ("You asked for my password.", ["violated", "distrusted"]),
        ("You're waiting to catch me out.", ["distrusted"]),
        ("He asks where I've been.", ["distrusted"]),
        ("He hasn't touched me since the baby.", ["rejected", "unwanted"]),
        ("He rolls over.", ["rejected", "unwanted"]),
        ("Three days of one-word answers.", ["rejected", "unwanted"]),
        ("He hasn't said he loves me in months.", ["rejected", "unwanted"]),
        ("You never post anything about us.", ["rejected", "unwanted"]),
        ("You talk to me like I'm made of glass.", ["belittled"]),
        ("You corrected my grammar.", ["belittled"]),
        ("You cut me off.", ["belittled"]),
        ("He said I wouldn't understand it.", ["belittled"]),
        ("He snapped at me.", ["hurt"]),
        ("You take it out on me.", ["hurt"]),
        ("She was so harsh with me.", ["hurt"]),
        ("I do the school runs.", ["unappreciated", "taken for granted", "exhausted"]),
        ("I cook, I clean.", ["unappreciated", "taken for granted", "exhausted"]),
        ("I find out about your plans from your Instagram.", ["left out"]),
    ],
)
def test_wider_families_imply_feelings(text: str, feelings: list[str]) -> None:
    assert situation(text) == feelings


# The speaker doing it, a denial (with or without apostrophes), another person, or harmless words.
@pytest.mark.parametrize(
    "text",
    [
        "he didnt cheat on me",
        "you didnt yell",
        "I snapped at him.",
        "He never snapped at me.",
        "My sister snapped at her boss.",
        "I missed the bus.",
        "I forgot to book the restaurant.",
        "He didn't miss my birthday.",
        "I turned my phone off.",
        "I rolled over.",
        "He rolled over the dough.",
        "I was pretending to sleep.",
        "I told my sister about my diagnosis.",
        "I talked about my childhood with my therapist.",
        "I corrected my essay.",
        "I went cold.",
        "He said it was a lovely party.",
        "Nobody spoke louder than her.",
        "He walked past the shop.",
        "He went back to work after lunch.",
        "I checked the receipts.",
        "I'm lucky he puts up with me.",
    ],
)
def test_wider_families_that_do_not_apply(text: str) -> None:
    assert situation(text) == []
