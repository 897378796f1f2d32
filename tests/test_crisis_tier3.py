"""Tier 3 of the crisis screen: broad danger words anchored to a person, for wording no phrase
rule was written for. (Its self-harm group stays off: see crisis_patterns.yaml.)"""

from __future__ import annotations

import pytest

from guardrails import crisis
from guardrails.crisis import CrisisCategory, CrisisLevel, screen

URGENT = [
    ("he shoved me into the door again tonight", CrisisCategory.ABUSE),
    ("she wont let me see my friends anymore and takes my car keys", CrisisCategory.ABUSE),
    ("I am hiding from him in the bathroom", CrisisCategory.ABUSE),
    ("he keeps a gun in the car and waved it at me", CrisisCategory.ABUSE),
    ("I will make him pay, I know where he works", CrisisCategory.THREAT_TO_OTHERS),
    ("our toddler was left alone in the bath for an hour", CrisisCategory.CHILD_SAFETY),
    # A weapon named by its make; violence done to someone outside the couple; a partner who
    # hurts themselves; a row turned physical (session 18, fresh sentences).
    ("I put my old Colt to my temple last night and sat there.", CrisisCategory.SELF_HARM),
    (
        "He stabbed a man last night and the police are looking for him.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "My husband beat a guy unconscious outside the pub on Saturday.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    ("She went after her sister with a knife this morning.", CrisisCategory.THREAT_TO_OTHERS),
    ("My husband cuts himself when we fight.", CrisisCategory.SELF_HARM),
    ("My wife tried to end her life last month.", CrisisCategory.SELF_HARM),
    (
        "My boyfriend overdosed on Friday and he's home now pretending nothing happened.",
        CrisisCategory.SELF_HARM,
    ),
    ("It got physical between us last night.", CrisisCategory.ABUSE),
    ("Our rows have started turning physical and I'm scared.", CrisisCategory.ABUSE),
]


@pytest.mark.parametrize(("text", "category"), URGENT)
def test_danger_in_new_wording_is_urgent(text: str, category: CrisisCategory) -> None:
    result = screen(text)
    assert result.level is CrisisLevel.URGENT
    assert category in result.categories


NOT_DANGER = [
    "my son got kicked at football and has a bruise, hes fine",
    "he wouldnt let me see the contract for the house",
    "she checked my phone last night",
    "Id kill for a nap",
    "my boss will kill me if Im late",
    "we threw away the old sofa",
    "he hit the gym at six",
]


@pytest.mark.parametrize("text", NOT_DANGER)
def test_everyday_uses_of_the_same_words_are_not(text: str) -> None:
    """The rules and the word classifier (the whole screen's false alarms on this list are
    measured in tests/test_crisis_sentence_model.py)."""
    assert crisis._screen(text, "en-US", read_meaning=False).level is CrisisLevel.NONE


# Session 14: everyday wording the rules read as danger on new authors' texts. Each harmless
# sentence is fresh (not from a labelled set); each danger twin shares its words and must stay.
EVERYDAY_NOT_DANGER = [
    # Hurt as a feeling: the writer's or someone's feelings, not a person hurt.
    "My sister says I hurt her feelings at the wedding.",
    "Honestly I was so hurt that he forgot, it was our son's birthday too.",
    "We both end up hurt after every talk about the kids' school fees.",
    # Locks as things, and locking oneself out.
    "We put cupboard locks on everything before our daughter started crawling.",
    "I locked myself out with our toddler napping inside, the neighbour had a spare key.",
    # A child screaming at something.
    "Our 2yo screamed at bath time again tonight.",
    # Things thrown away.
    "He chucked our son's old cot mattress in the skip without asking me.",
    # A shelter as someone's workplace.
    "My girlfriend is a solicitor for women at the refuge and comes home drained.",
    # A threat said laughing; documents taken to be renewed.
    "When I burnt the toast he said I'll kill you, but laughing.",
    "She took my passport to the post office to send off the renewal.",
    "My husband keeps our passports in the fire safe since we were burgled.",
    # Tablets counted as a dose.
    "I took 20 paracetamol a day for my back after the operation.",
    # Hit with news or a pillow.
    "She hit me with the news that her mum is moving in.",
    "Our son hit me with a pillow and we all ended up laughing.",
    # Killing someone for a small thing.
    "I'll kill him for leaving the milk out again.",
    # Session 15: boys' circumcision, haircuts, campaigns against cutting; heights for work.
    "We had our baby boy circumcised at the clinic yesterday and he slept through it.",
    "Her dad insists our newborn gets circumcised at the hospital like all the men in his family.",
    "My niece has to get her hair cut before the school photos on Friday.",
    "Our daughter is going on a school trip to learn about FGM campaigns in Kenya.",
    "I checked which multi-storeys have roof access for the drone shoot for work.",
    # Which "here"; a weapon readied for a season or a match.
    "I don't want to be here anymore, at this school I mean, the other mums are awful.",
    "He's been oiling his rifle all evening because the season opens on Saturday.",
    "We got the baseball bat out for the kids' game in the park and he hit a home run.",
    "My husband hit the snooze button five times and the kids were late for school.",
    "He hit the books hard before the exam and barely saw the kids for a week.",
    # An embrace, a party thrown, what a job shows, a prank, keys kept from a drunk driver, help
    # asked for, a rule or a thing that does not allow something, things locked from children.
    "My mother-in-law threw us a surprise engagement party last weekend and my ex turned up.",
    "She wrapped her arms around my neck at the airport and cried.",
    "I've been a paramedic for twenty years and I've seen hundreds of overdoses.",
    "My sister is a prison officer and she spends her shifts logging threats from inmates.",
    "I'm a family lawyer and today was a custody hearing where the dad had threatened the mum.",
    "The kids hid his car keys as a joke and he was late for work.",
    "She took my car keys last night because I'd had four pints and wanted to drive home.",
    "He looks after my meds and my bank card, we agreed that after my surgery.",
    "My contract won't let me take holiday in December and she thinks I'm not trying.",
    "My boss won't let me leave before ten on Fridays.",
    "The bleach and the knives are kept locked up high since the baby started crawling.",
    "The medicine cabinet is locked and the kids can't reach it.",
    "The funeral director was so kind to my mum when Dad died.",
    # Letters, "how long until found", an address, meals: the same words with no danger.
    "We wrote letters to everyone at the wedding. The mix-up with the seating wasn't their fault.",
    "I wrote notes for the kids' teachers. The late homework is not their fault, it's mine.",
    "How long until someone is found after a hiking accident in the Alps? My brother is late.",
    "I have her address for the Christmas cards, we'll sort out the rest later.",
    "He wants the landlord's address to settle the deposit dispute in court.",
    "My husband stopped my lunch deliveries because they cost too much.",
    "She took away my breakfast tray so I could sleep in.",
    # An accusation told as unfair, being missed at a duty, first aid, a pupil at work, a
    # surprise (rules written after reading blind sets 60 to 63; these sentences are fresh).
    "My sister-in-law is acting like I tried to poison the kids because I gave them shop cake.",
    "Nobody would even notice me if I skipped Thursday's choir practice, so why does he care?",
    "At our first aid course the trainer showed what to do when a toddler is choking on a grape.",
    "I'm a teaching assistant and a boy in our class punched the whiteboard today.",
    "He kept my phone all afternoon because he'd planned a surprise party for me.",
    # Words of violence to others or to oneself, everyday (session 18).
    "He killed someone in Call of Duty and screamed so loud he woke the baby.",
    "She stabbed her friend in the back over the promotion.",
    "He beat a guy at pool and wouldn't shut up about it.",
    "I shot a guy a text about the car.",
    "He put a man in charge of the project who has never done it.",
    "The news said they shot people at the taxi rank near my mum's.",
    "My husband cut himself slicing bread and blamed me for the blunt knife.",
    "He cut himself shaving and bled all over the sink.",
    "She burned herself on the oven door.",
    "He got physical therapy for his knee.",
    "We got physical on our second date and now he wants to slow down.",
    # Session 19: read from blind sets 64 to 67 after their measurement; fresh wordings.
    "My sister asked whether he has ever hit me, and the short answer is no.",
    "People assume she shouts at the kids and smacks them. She doesn't.",
    "My husband joined the fire service and I'm frightened for him on every call-out.",
    "It's hurting us both that his mum won't visit the baby.",
    "We end up hurting each other with words after the baby is asleep.",
    "She was ready to strangle me when she saw the phone bill.",
    "I'm the one who hurt him. I read his messages and told his mum.",
    "He won't let me leave my bike in the hallway any more.",
    "As a social worker I visit houses where children are neglected and beaten.",
    "She works on a helpline and the abuse callers leave is vile, 'I will find you and hurt you'.",
    "I get spat at and threatened by customers most weekends at the bar.",
    "He has never hit me or threatened the kids.",
    "He has never hurt me or threatened me.",
    "Hiding my car was meant to be an April Fool, he says.",
    "Our son is a police officer and got punched policing the derby.",
    "She says I'd rather shoot people online than talk to her.",
    "We put a lock on the fridge for the toddler and now my husband can't open it either.",
    "He keeps a rope in the boot in case we get stuck.",
    "I keep spare pills in my bag just in case.",
    "We're going to pay his mum a visit at the weekend.",
    "I won't be here when you get back, I'm at my sister's till Sunday.",
    "I hurt him. I told his sister about our money problems.",
    "Mi abuela me pega unos sustos con sus historias.",
    "El niño se pegó con la mesa y lloró.",
    "Mi mamá me va a matar si llego tarde otra vez.",
    "I nearly choked on my coffee when she told me the price of the venue.",
    "My daughter's been landing punches on the bag at boxing club all term.",
    "His new playlist honestly slaps, I'll give him that.",
    "I stepped into the road without looking and a cyclist shouted at me.",
    "We've been reading about charcoal grills, the gas one keeps dying.",
    "I bought activated charcoal tablets after reading about them for bloating.",
    "My sister gave me her cat while she's in Lisbon, and thanked me with wine.",
    "Thanks for everything you did for the party, it was perfect.",
    "He sharpened the knives before carving the turkey.",
    "She always sharpens her knives for Sunday dinner and we settle the bill with her mum.",
    "She's been reading about her son's nut allergy since the diagnosis.",
    "He glanced at the knife block and said we need a better bread knife.",
    "I want to separate the laundry and he just stares at the gun cabinet catalogue.",
    "Her husband took her car to the garage and her phone in for repair.",
    "The kids mouthed 'help' at me when Grandad started on his war stories.",
    "He said I'd get the car back when I'd paid for the petrol I used.",
    "The wifi was cut off when we forgot to pay the bill.",
    "The series had a scene where the husband pulls a knife on his brother and I left the room.",
    "Next time I'll get it right and book the table before the pub fills up.",
    "I'd throttle him for leaving the milk out. Joking, obviously.",
    "Honestly I could murder her, figuratively, every time she reorganises my desk.",
    "'I'm going to strangle you,' Dad said in his jokey voice when I beat him at cards.",
    "I told Sam I'd kill him and I was laughing the whole time.",
    "Mum says she'll kill us if we're late for Sunday lunch, but that's just how she talks.",
    "I'll kill you for eating my chips, Priya, lovingly.",
    "Sorry for everything I said at the barbecue. Please feed Pickles while we're in Crete.",
    "Thanks for everything you did at the christening. Please look after the cat for me next week.",
    "Tell mum I love her and I'll ring on Sunday after the match.",
    "I crossed the street without looking, hoping to catch the 42 before it left.",
    "She's going to finish her nails before the wedding.",
    "He says he's going to finish the shed this weekend.",
    "I keep the pills by my bed so I remember to take them with breakfast.",
    "My aunt has been saving her pills in a weekly organiser since the stroke.",
    "I'm sorry for what I'm about to say, but your mum's lasagne is dry.",
    "He asked if the shop still has that thing I liked, and for the address of the branch.",
    "We tied the sheet to the radiator pipe to dry it in the cold snap.",
    "He has never slapped me, shoved me or even shouted at me in twelve years.",
    "I see patients who overdosed most weekends on the ward, and then I come home to the dishes.",
    "As a lifeguard I've pulled out swimmers who jumped off the pier for a dare.",
    "At laser tag he shot me in the back three times and gloated about it all through pizza.",
    "She almost killed a patient on Tuesday, meaning she nearly gave the wrong dose before the"
    " pharmacist caught it.",
    "My cousin joked that I should be scared of her now she does boxing. I'm not, she's tiny.",
    "I'm going to murder my flatmate, he ate my leftovers again. Haha.",
    "I'll throttle that referee, honestly. Ha. Anyway, the real issue is the money.",
    "My brother says 'I'll strangle you' when I spoil a match result. He's such a joker.",
    "In Greek we say 'I'll kill you' to people we love, it's just how it comes out.",
    "I could have strangled my manager for the way he spoke to me on the floor today.",
    "If you leave the gate open one more time I swear I'll strangle you, the dog got out again.",
    "He's never once laid a finger on me, he just goes quiet for days.",
    "If I get one more parking ticket she'll throw me out with the recycling, we laughed about it.",
    "My aunt keeps saying the vitamins could harm the baby and my wife is worried.",
    "I always say 'I want to die' when I miss the bus, it's just a saying at work.",
    "She said she wanted to die cos her boss walked in on her singing, lmao.",
    "The chef sharpens all the knives every morning before service, it's a kitchen ritual.",
    "We keep a can of petrol for the generator in the shed in case of storms.",
    "He's allergic to shellfish and I'm cooking his dinner on his birthday, any recipe ideas?",
    "I tied the rope to the branch for the tyre swing in the garden.",
    "I googled how long hypothermia takes for my first aid course.",
    "When he was released he said he would kill the time by fishing with his dad.",
    "My brother says he'd kill for a pint now he's out of prison.",
    "She hit me with the 'can we talk later' message right before my shift.",
    "He signs every email 'per my last message' and I want to scream.",
    "Another row about the bins, so frustrating I felt like banging my head on the desk.",
    "I could have throttled her when she posted the scan photo before we'd told my mum.",
    "I was so done with the group chat I was ready to jump off the balcony, not literally,"
    " figure of speech.",
    "I'd happily step in front of a train for my girls, but I won't do another mediation.",
    "My GP asked if I ever have thoughts of harming myself. No, I said, just tired.",
    "I'm a custody officer and I get threatened every shift, it's the job.",
    "When I swim laps I wish I didn't have to come up for air, it's so peaceful down there.",
    "Every time they dive into the lake I wish the kids would not come up so fast.",
    "She said 'I'll kill you' when I ate the last slice. We were both laughing.",
    "I was ready to die when my sister announced our engagement before we could.",
    "I was ready to murder my wife over the sofa cushions, honestly.",
    "We played darts at the pub on Friday and I beat him three games to one.",
    "He says I glared at him like I wanted to murder him when he got in at three.",
    "I joked that I'd put bleach in his tea if he invited his boss round again.",
    "I jokingly said I'd stab him with a fork if he took the last roast potato.",
    "I said 'I'll strangle you' when he burned the toast again.",
    "My dad threatened to murder my playlist on the drive to Cornwall.",
    "It hurt her more than it hurt me, all that lying about the overdraft.",
    "There's a bruise on our daughter's knee from netball and Mum asked about it.",
    "I was still shaking when I got home and the kids wanted their tea straight away.",
    "Rang my husband shaking after the near miss and he said the kids were mid-bath.",
    (
        "The bailiffs came and the car's gone. Sorry for everything, love you all, Dad wrote in"
        " the group chat after he lost the bid."
    ),
    "My sister took a whole lot of Nurofen boxes to the food bank with the tins.",
    "Mum was steaming mad when Dad drove off with the kids' lunches still on the counter.",
    "I'd have driven into the back of the bus if I hadn't braked in time.",
    "My son broke my finger by accident slamming the car door, it's in a splint now.",
    "I'm trying to get up the nerve to tell her about the rope swing I bought for the garden.",
    "I'm still working on what I'd put in a note to Gran to thank her for the quilt.",
    "On New Year's Day we walk into the sea for the charity dip and then get chips.",
    "I won't be needing my phone on the retreat, so message my sister if it's urgent.",
    "The rope is in the garage if you need it for the trailer this weekend.",
    "We haven't picked a date for the christening yet, his mum wants June.",
    "Sorry to anyone who has to come to the meeting on Friday, the heating's broken.",
    "I've decided. We're getting the dog, and he can walk it every morning.",
    "I looked up which car parks have roof access so we can watch the fireworks.",
    "She has a list of people to invite to the wedding and my cousins aren't on it.",
    "He's going to take out the bins and then take out the old shed with a sledgehammer.",
    # Session 24: everyday twins of the rules read from blind sets 88 to 91.
    "My mum said keep it between us about the surprise party she's planning for Dad's sixtieth.",
    "We locked ourselves out of the house in the rain with the kids and waited for the locksmith.",
    "I said no to a puppy and he didn't stop asking for a week.",
    "He said he won't be a problem for much longer, his contract at the shop ends in June.",
    "Our son is giving his old games to his cousin now he's bought the new console.",
    "She left a note on the fridge saying sorry for eating my leftovers.",
    "He's got a rope in his car for towing the boat trailer.",
    "She drove the kids to school and was pissed off about the traffic all morning.",
    "Our 17 year old came home at 3am and threw up in the bathroom sink.",
    "The landlord is threatening to evict us if the rent is late again.",
    "I'll be out of the way by Sunday, the movers come Saturday.",
    # Session 25: everyday twins of the rules read from blind sets 92 to 95.
    "Please look after the plants for me while we're in Spain, the ferns need water daily.",
    "He updated his beneficiary after the wedding, like the bank told him to.",
    "She showed me where the life insurance papers are in case we ever need them.",
    "We asked the guide about the cliffs and whether the path has fences for the kids.",
    "He's taking a bat and a ball to the park with the boys on Saturday.",
    "Make sure Grandad ends up in hospital for the scan on Tuesday, he keeps forgetting.",
    "He put my hand on the radiator to show me how warm the new boiler gets it.",
    "There's a bit of rum in the Christmas cake, none in the kids' juice.",
    "I'm not allowed to see the ultrasound without you, the clinic said partners come too.",
    "He took my bag and left me at the station while he parked the car.",
    "My arm was all cut up from the brambles after the walk, it looked worse than it was.",
    "We've finally picked a date for the wedding, the 14th of June.",
    "The mechanic has seen to her brakes before the long drive to Cornwall.",
    "Our son's face was swollen after the wasp sting at the park.",
    "His brother pushed him into the pool at the barbecue and everyone cheered.",
    "The vet took the morphine back to the practice after the home visit.",
    "I'll kill myself if I have to listen to one more of your dad's fishing stories.",
    "I'm going to kill the next person who leaves the milk out of the fridge.",
    "She hid the TV remote so we would stop watching the match at dinner.",
    "He volunteers at the dog shelter on Saturdays and walks the old greyhounds.",
    "The physio sorted me out after the marathon, my knee's fine now.",
    "We got locked out of the car at the beach and had to call the AA.",
    "Our twins are in a biting phase, they bite everyone at playgroup.",
    "He had man flu all weekend and acted like he was at death's door.",
    "She dragged me to a pottery class and I loved it.",
    "I can't do this anymore about my commute, I'm asking to work from home.",
    "We're taking the kids out on the boat on Sunday, and Dad's bringing the life jackets.",
    "She took my keys so I couldn't drive home after the party, I'd had four pints.",
    "Tell your mum I'm sorry we were late on Sunday, her phone's off so I couldn't ring.",
    "Tell Dad I'm sorry for shouting. He isn't answering my texts.",
    # Narrower forms of session 25's rules: a stated purpose, an accident's cause, a treatment,
    # an adult's drink, drugs not named, fear of something else.
    "She googled the Forth bridge for her school project, and whether there are cameras on it.",
    (
        "His arms were cut up by the brambles when he fetched the ball, he did it on purpose to "
        "get it back."
    ),
    "The scrapyard cut the brake lines so the old car can't cause an accident ever again.",
    "They'll make sure Mum ends up in hospital for her hip surgery before Christmas.",
    "A drop of rum in her bottle of cola, she's 40 today and the kids made her a cake.",
    "He took the insulin vials home from the pharmacy for his own prescription.",
    (
        "I'm not allowed to see my mum without you because the hospital only lets one visitor in,"
        " and I'm scared of hospitals."
    ),
]

DANGER_TWINS = [
    ("I swear I'll hurt her when she gets home.", CrisisCategory.THREAT_TO_OTHERS),
    ("He hurt our son last night and I am so hurt.", CrisisCategory.CHILD_SAFETY),
    ("He locked our daughter in the cupboard under the stairs.", CrisisCategory.CHILD_SAFETY),
    ("My husband screams at our 3yo every night.", CrisisCategory.CHILD_SAFETY),
    ("He threw our son against the wall.", CrisisCategory.CHILD_SAFETY),
    ("I'll kill you, he said, and he wasn't joking.", CrisisCategory.THREAT_TO_OTHERS),
    ("He said I will kill you. I don't think he was joking.", CrisisCategory.THREAT_TO_OTHERS),
    ("He took my passport so I can't leave.", CrisisCategory.ABUSE),
    (
        "My wife keeps my passport and residence card and says I get them back if I behave.",
        CrisisCategory.ABUSE,
    ),
    ("He says if I tell anyone I will never see my daughter again.", CrisisCategory.CHILD_SAFETY),
    (
        "His family have booked flights for our girls to go to Mali in July so they can be cut.",
        CrisisCategory.CHILD_SAFETY,
    ),
    (
        "His mother says our granddaughter should have khatna done before she turns seven.",
        CrisisCategory.CHILD_SAFETY,
    ),
    (
        "i think theyre taking my little sister to get circumcised over the summer, shes 9",
        CrisisCategory.CHILD_SAFETY,
    ),
    ("Been working out which bridges round here have no railings.", CrisisCategory.SELF_HARM),
    ("I googled how far a person needs to fall. Nobody would miss me.", CrisisCategory.SELF_HARM),
    ("I don't want to be here anymore. I mean at all. Not anywhere.", CrisisCategory.SELF_HARM),
    (
        "My brother loaded the shotgun into the truck and said Craig will pay for what he did.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "He got his baseball bat out of the shed and said he'd make him pay for touching her.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    ("He wrapped his hands around my neck from behind and squeezed.", CrisisCategory.ABUSE),
    ("He hid my phone and my passport so I can't leave the flat.", CrisisCategory.ABUSE),
    ("She takes my car keys every night so I can't go anywhere.", CrisisCategory.ABUSE),
    ("He keeps my bank card and gives me twenty pounds a week.", CrisisCategory.ABUSE),
    ("My husband threw me against the wardrobe last night.", CrisisCategory.ABUSE),
    ("He locks the baby in the bedroom all day while I'm at work.", CrisisCategory.CHILD_SAFETY),
    (
        "I left a letter for my mum. I need her to know it's not her fault.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "I looked up how long it takes for a body to be found. Nobody checks on me.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "She found his new address on Facebook and says she's going to make him pay for it.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    ("He takes away my dinner if I talk back.", CrisisCategory.ABUSE),
    (
        "He said he'll need a funeral director when I'm done with him.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "She's acting like she wants to hurt the baby, she shook him hard.",
        CrisisCategory.CHILD_SAFETY,
    ),
    (
        "Nobody would miss me if I stopped existing. I think about it every night.",
        CrisisCategory.SELF_HARM,
    ),
    ("Nobody would miss me if I quit living.", CrisisCategory.SELF_HARM),
    ("I know CPR but he choked me last night until I blacked out.", CrisisCategory.ABUSE),
    ("I looked up what to do if he chokes me again.", CrisisCategory.ABUSE),
    ("I'm a teacher and my husband threw a chair at me last night.", CrisisCategory.ABUSE),
    (
        "He hid my passport so I can't leave. I'd planned a surprise party for him.",
        CrisisCategory.ABUSE,
    ),
    ("My sister asked if he hits me and I said yes, most nights.", CrisisCategory.ABUSE),
    ("I think he hits the kids when I am at work.", CrisisCategory.CHILD_SAFETY),
    ("Everyone assumes he hits me. He does, and he hits the kids too.", CrisisCategory.ABUSE),
    ("I'm frightened for my life when he drinks.", CrisisCategory.ABUSE),
    ("He won't let me leave the flat in the evenings.", CrisisCategory.ABUSE),
    ("Don't tell mum or I'll hit you.", CrisisCategory.THREAT_TO_OTHERS),
    ("I'm the one who hurt her, I pushed her down the stairs.", CrisisCategory.THREAT_TO_OTHERS),
    ("He had the knife at my throat.", CrisisCategory.ABUSE),
    ("He hit me at work in front of everyone.", CrisisCategory.ABUSE),
    ("She pressed the blade against my neck and told me to be quiet.", CrisisCategory.ABUSE),
    (
        "My mum keeps saying we'd all be better off without her since the stroke.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "My friend said she's got her affairs in order and gave her dog to her neighbour.",
        CrisisCategory.SELF_HARM,
    ),
    ("He showed me the noose and said it's there in case.", CrisisCategory.SELF_HARM),
    (
        "He told me he'd wait for the bloke outside the gym, and he's bought a machete.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    ("I won't be here when you get back, I've had enough of everything.", CrisisCategory.SELF_HARM),
    (
        "Since I lost my job he's stopped giving me any money and put a lock on the fridge.",
        CrisisCategory.ABUSE,
    ),
    (
        "I could kill him, and I'm not joking, I've looked up how long you'd get.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    ("If he touches her one more time I'll kill him.", CrisisCategory.THREAT_TO_OTHERS),
    ("If he takes the kids one more time I'll kill him.", CrisisCategory.THREAT_TO_OTHERS),
    ("I hurt her. I pushed her into the door.", CrisisCategory.THREAT_TO_OTHERS),
    ("My kids who've been hurt by him need me.", CrisisCategory.CHILD_SAFETY),
    ("Mi esposo me pega cuando toma y no me deja salir de la casa.", CrisisCategory.ABUSE),
    ("He took my phone, me quitó las llaves también.", CrisisCategory.ABUSE),
    ("Le pega a los niños con el cinturón when he's drunk.", CrisisCategory.CHILD_SAFETY),
    ("Lo voy a matar si lo veo con ella otra vez.", CrisisCategory.THREAT_TO_OTHERS),
    ("Me va a matar si lo dejo, me lo dijo anoche.", CrisisCategory.ABUSE),
    ("Me corto los brazos otra vez and nobody knows.", CrisisCategory.SELF_HARM),
    (
        "Tengo todas las pastillas guardadas en el baño para acabar con esto.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "I keep walking out in front of cars at the crossing to see if anyone brakes.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "Looked up charcoal and how small a room needs to be. He doesn't suspect.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "My cousin handed me her dog on Friday. This morning: 'thanks for everything'. "
        "Her phone's off.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "My brother texted 'thank you for everything, tell mum I love her' and isn't answering.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "My dad spent all evening sharpening his axe and says he'll make Dean pay for it.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "She's been looking up her sister-in-law's shellfish allergy and asking what's in "
        "the curry. She says she'll deal with her.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "When I told him I'm leaving him he stared at the gun safe and went very quiet.",
        CrisisCategory.ABUSE,
    ),
    (
        "My sister's husband has taken her phone and her car keys since she talked of divorce.",
        CrisisCategory.ABUSE,
    ),
    (
        "At dinner she whispered 'help me' when her boyfriend went out to the car.",
        CrisisCategory.ABUSE,
    ),
    (
        "He says I'll get my own key once I've earned it.",
        CrisisCategory.ABUSE,
    ),
    (
        "The broadband's been cut off and he keeps the car keys on him all day.",
        CrisisCategory.ABUSE,
    ),
    (
        "She wrote a letter to each of the kids and left it with her life insurance policy.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "My boyfriend punched me last night in front of my son from my first marriage.",
        CrisisCategory.ABUSE,
    ),
    (
        "They kept me in hospital overnight after the pills. Next time I'll make sure it works.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "I will throttle him when he walks in tonight, I'm not kidding.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "Sorry for all of it. Please walk Biscuit for me. Tell my boys I love them.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "Thanks for everything, you were always kind. Please feed Juno.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "I'm sorry for what I'm about to do. Tell the kids it wasn't their fault.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "Tell her I'm sorry for what I'm about to do to her brother.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "Lately I step into the street without looking and part of me hopes a lorry is coming.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "I carry the tablets in my coat pocket now. I want all of this to be over.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "I picked up weedkiller on the way back, it's in my car. I want this pain to stop.",
        CrisisCategory.SELF_HARM,
    ),
    ("Some days I just want to disappear permanently.", CrisisCategory.SELF_HARM),
    (
        "My uncle has been stockpiling his sleeping pills. He says he won't need his winter coat.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "My neighbour texted me that she's going to put rat poison in his tea.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    ("Dan says he's going to finish him off once and for all.", CrisisCategory.THREAT_TO_OTHERS),
    (
        "He rang his mate asking whether he still has 'the thing'. Then he wanted her address.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "He has his shoelaces and the bunk in the cell. Nobody checks after lights out.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "Mum's text said 'sorry for everything, love you all' last night. Her phone is off.",
        CrisisCategory.SELF_HARM,
    ),
    ("He hit me, pushed me and choked me last night.", CrisisCategory.ABUSE),
    ("He hit me with the belt when I got home late.", CrisisCategory.ABUSE),
    (
        "The nurse asked if I have thoughts of hurting myself. No one had asked before, and yes.",
        CrisisCategory.SELF_HARM,
    ),
    ("I'm ready to jump off the bridge tonight, not joking.", CrisisCategory.SELF_HARM),
    (
        "After we fight I bang my head against the wall until it bleeds, it's so stupid.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "My ex said he'd kill my new boyfriend lol, he's out of prison next week.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "I've filled two bottles with petrol. Her car is parked outside his flat every night.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "I had rat poison in my coat when he came round. I didnt do it. "
        "I don't know about tomorrow.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "My uncles are coming over to teach a lesson to the man she left me for. "
        "They land tomorrow.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "My husband says he's going to sort out the neighbour. "
        "He grabbed the hammer and drove off.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "She bullies me every shift. "
        "She's allergic to peanuts and I'm doing the staff lunch Monday.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    ("I'm going to end this for both of us tonight, I've got the car.", CrisisCategory.SELF_HARM),
    (
        "Put the gas on in the kitchen and didn't light it, just sat with it for a while.",
        CrisisCategory.SELF_HARM,
    ),
    ("I keep looking up how long carbon monoxide takes to work.", CrisisCategory.SELF_HARM),
    ("I tied the cord to the banister last night and sat on the stairs.", CrisisCategory.SELF_HARM),
    ("He never hit me until last week, and now it's every night.", CrisisCategory.ABUSE),
    ("My brother threatened to kill my ex-husband last night.", CrisisCategory.THREAT_TO_OTHERS),
    ("I am shaking my son when he cries and I can't stop.", CrisisCategory.CHILD_SAFETY),
    ("I beat her with the cue after we lost the pool match.", CrisisCategory.THREAT_TO_OTHERS),
    ("I am ready to kill him over the kids.", CrisisCategory.THREAT_TO_OTHERS),
    (
        "I'm ready to strangle him over the money he stole, I mean it.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "I swallowed a whole pack of Nurofen an hour ago and my stomach burns.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "Her mum collected the kids absolutely legless and drove away with them in the back.",
        CrisisCategory.CHILD_SAFETY,
    ),
    (
        "If it wasn't for my mum I would have steered into a lamppost on the bypass. I still"
        " might.",
        CrisisCategory.SELF_HARM,
    ),
    ("My girlfriend cracked my ribs with a rolling pin on Sunday.", CrisisCategory.ABUSE),
    (
        "The pills are in my bag and I'm in the park working up the courage.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "I keep planning what I'd write in a letter to Mia. That it was never her fault.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "My brother texted that he's done and he'll walk into the river tonight.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "She posted that she's checking out and won't need her phone any more.",
        CrisisCategory.SELF_HARM,
    ),
    ("Dying is my only way out of this marriage.", CrisisCategory.SELF_HARM),
    (
        "The pills are in the drawer. I just need to get through Christmas for the kids.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "Mum messaged 'look after the dog for me' and then her phone went off.",
        CrisisCategory.SELF_HARM,
    ),
    ("I know how I'd do it. I just need to pick a day.", CrisisCategory.SELF_HARM),
    ("Honestly me being gone would fix everything for them.", CrisisCategory.SELF_HARM),
    ("Sorry to whoever has to find me.", CrisisCategory.SELF_HARM),
    (
        "I've decided. It'll be over before anyone knows, so please don't worry.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "I keep looking up which multi-storeys in town have rooftop access.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "He keeps a list of the men who wronged him and he knows where two of them live.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "My son says he'll take out the kid who bullied him. He's got his dad's rifle.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "Every time I say something she doesn't like she throws her mug at me.",
        CrisisCategory.ABUSE,
    ),
    # Session 24: what blind sets 88 to 91 said that no rule read, in fresh words.
    (
        "Her football coach texts her at midnight, tells her it's our little secret and buys her"
        " things. She's 14.",
        CrisisCategory.CHILD_SAFETY,
    ),
    (
        "He shut our 9 year old out of the flat overnight as a punishment. It was freezing.",
        CrisisCategory.CHILD_SAFETY,
    ),
    (
        "I told him to stop and he kept going anyway. It happens most weekends.",
        CrisisCategory.ABUSE,
    ),
    (
        "'Won't be a burden to anyone much longer' is what she wrote on her story.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "My brother has been giving his guitar and his records away and says his goodbyes are"
        " done.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "She left a letter for her mum saying sorry for everything and her phone's off.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "Dad keeps saying there's no point any more. He's hidden a rope under his bed.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "Her new lodger is on the sex offenders register and he's babysitting the boys tonight.",
        CrisisCategory.CHILD_SAFETY,
    ),
    (
        "I'll be gone by the weekend. Not moving house, I mean gone for good.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "He took the kids to the fair after a skinful and drove them home himself.",
        CrisisCategory.CHILD_SAFETY,
    ),
    ("If she marries him I'll finish him off and then myself.", CrisisCategory.SELF_HARM),
    # Session 25: what blind sets 92 to 95 said that no rule read, in fresh words.
    (
        "He's taking the kids out in the dinghy this afternoon. He's been drinking since ten.",
        CrisisCategory.CHILD_SAFETY,
    ),
    (
        "She texted 'look after the dog for me' and now her phone is switched off.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "He wrote 'tell the kids I'm sorry' in the group chat and he isn't answering.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "I've changed the life insurance beneficiary to you. I won't be around to need it.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "He showed me where his passwords are written down and keeps saying goodbye to his mates.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "She's been googling the bridge by the station, how far the drop is and whether it's "
        "fenced.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "There's a tow rope in the shed and he's searched how long a drop needs to be.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "My son's gone over to the lad who beat up his girlfriend, and he took a crowbar. He "
        "wants to teach him a lesson.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "She swore she'll make sure her boss ends up in a wheelchair.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "My stepdad pressed my arm against the hot iron because I talked back.",
        CrisisCategory.ABUSE,
    ),
    (
        "My partner puts whisky in the baby's milk when she won't settle.",
        CrisisCategory.CHILD_SAFETY,
    ),
    (
        "I'm not allowed to visit my mum without him and he keeps my bank card. I'm scared.",
        CrisisCategory.ABUSE,
    ),
    (
        "He dumped me on the hard shoulder at night and drove off with my phone.",
        CrisisCategory.ABUSE,
    ),
    (
        "She sent a picture of her thighs all slashed up and said she did it on purpose.",
        CrisisCategory.SELF_HARM,
    ),
    ("I want to die and I've chosen the day.", CrisisCategory.SELF_HARM),
    (
        "He tampered with her brake lines. He says it'll look like an accident.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "I know what I'd do to him if I ever got him alone. I've arranged it for Friday.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
    (
        "Her 9 year old came over with a black eye and says he is too scared to go home.",
        CrisisCategory.CHILD_SAFETY,
    ),
    ("His mother shoved him down the stairs again last night.", CrisisCategory.ABUSE),
    (
        "I'm a nurse and I've been stashing the morphine vials to take home.",
        CrisisCategory.SELF_HARM,
    ),
    (
        "He sank six beers and then took our daughters out on the lake in the kayak.",
        CrisisCategory.CHILD_SAFETY,
    ),
    ("I told him it hurts and he didn't stop.", CrisisCategory.ABUSE),
    (
        "He's posted her address and photos of her kids' school with 'soon' under them.",
        CrisisCategory.THREAT_TO_OTHERS,
    ),
]


@pytest.mark.parametrize("text", EVERYDAY_NOT_DANGER)
def test_the_rules_find_nothing_in_everyday_wording(text: str) -> None:
    assert crisis._find(text) == []


@pytest.mark.parametrize(("text", "category"), DANGER_TWINS)
def test_the_rules_still_find_the_danger_twins(text: str, category: CrisisCategory) -> None:
    found = crisis._find(text)
    assert any(f.category is category and f.level is CrisisLevel.URGENT for f in found)


AIMED_ELSEWHERE = [
    "My brother threatened her stepdad with a bottle at the christening.",
    "My new husband's threats against my ex-husband are getting worse.",
    "Last month our son pulled a knife on his uncle at the barbecue.",
    "Last week my husband threatened our neighbour with a spade over the fence.",
    "The lad who keeps keying our car lives two doors down. My partner says he's going to sort "
    "him out tonight.",
    "I threatened my ex's new boyfriend in a voicemail last night.",
]

AIMED_AT_THE_WRITER = [
    "My stepdad keeps coming into my room at night and I'm scared of him.",
    "He keeps my passport in his brother's safe and won't give it back.",
    "He hit me in front of the neighbour last night.",
    "I was molested by a neighbour when I was eight.",
    "My late husband was a violent man; he broke my nose twice.",
    "She checks my phone every night because of my colleague.",
]


@pytest.mark.parametrize("text", AIMED_ELSEWHERE)
def test_harm_aimed_outside_the_couple_is_also_a_threat_to_others(text: str) -> None:
    result = screen(text)
    assert CrisisCategory.THREAT_TO_OTHERS in result.categories


@pytest.mark.parametrize("text", AIMED_AT_THE_WRITER)
def test_harm_aimed_at_the_writer_is_not_made_a_threat_to_others(text: str) -> None:
    assert CrisisCategory.THREAT_TO_OTHERS not in screen(text).categories


CHILDREN_IN_IT = [
    "He's kicking the bedroom door and saying he'll break it down. The twins are in here with me.",
    "He grabbed me by the throat in front of our son on Sunday.",
    "He pinned me against the wall and the boys heard all of it.",
]

CHILDREN_ELSEWHERE = [
    "He hit me last night. The kids were at my mum's for the weekend.",
    "He shoved me into the fridge. Our daughter is away at university, thank god.",
    "My stepdad hit me when I was a teenager, and I still flinch when you raise your voice.",
]


@pytest.mark.parametrize("text", CHILDREN_IN_IT)
def test_children_in_the_abuse_add_child_safety(text: str) -> None:
    found = crisis._find(text)
    assert any(f.category is CrisisCategory.ABUSE for f in found)
    assert not any(f.category is CrisisCategory.CHILD_SAFETY for f in found)
    added = crisis._children_in_it(found, crisis._LazyView(text))
    assert [f.category for f in added] == [CrisisCategory.CHILD_SAFETY]
    assert added[0].level is max(
        (f.level for f in found if f.category is CrisisCategory.ABUSE),
        key=lambda level: crisis._RANK[level],
    )
    assert CrisisCategory.CHILD_SAFETY in screen(text).categories


@pytest.mark.parametrize("text", CHILDREN_ELSEWHERE)
def test_children_named_elsewhere_add_nothing(text: str) -> None:
    found = crisis._find(text)
    assert any(f.category is CrisisCategory.ABUSE for f in found)
    assert crisis._children_in_it(found, crisis._LazyView(text)) == []


def test_children_from_a_first_marriage_do_not_make_danger_past() -> None:
    # "my first marriage" tells of a time; "my son from my first marriage" names a child.
    now = screen("He shoved me into the door last night in front of my kids from my first marriage")
    assert now.level is CrisisLevel.URGENT
    before = screen("In my first marriage he shoved me into doors. That ended in 2011.")
    assert before.level is CrisisLevel.CAUTION


def test_a_childhood_told_in_words_is_over() -> None:
    result = screen("I was molested by a neighbour when I was eight.")
    assert result.level is CrisisLevel.CAUTION
    assert screen("When I was ten minutes late he hit me.").level is CrisisLevel.URGENT


# Session 18: danger told as past that no rule read (on blind sets 60 to 63, partners' old
# stabbings and shootings, a partner's cutting or attempt, came out as nothing); their twins told
# as now are in URGENT, their everyday words in EVERYDAY_NOT_DANGER. Fresh sentences.
THREAT = CrisisCategory.THREAT_TO_OTHERS

DANGER_BEFORE = [
    ("He stabbed a man in a fight in 1999 and did eight years for it.", THREAT),
    ("My husband shot at someone when he was in a gang, long before we met.", THREAT),
    ("He once beat a guy unconscious outside a pub, years ago.", THREAT),
    ("My partner went after his neighbour with a hammer when he was twenty.", THREAT),
    (
        "In my drinking days I put a bloke in hospital. I did my time and I've been sober since.",
        THREAT,
    ),
    ("My partner was in a gang as a teenager and once shot at someone.", THREAT),
    ("My husband used to cut himself at uni.", CrisisCategory.SELF_HARM),
    ("My wife tried to end her life before we met.", CrisisCategory.SELF_HARM),
    ("He grew up watching his dad hit his mum.", CrisisCategory.ABUSE),
]


@pytest.mark.parametrize(("text", "category"), DANGER_BEFORE)
def test_danger_done_or_suffered_before_is_a_caution(text: str, category: CrisisCategory) -> None:
    result = screen(text)
    assert result.level is CrisisLevel.CAUTION
    assert category in result.categories


# Session 24: self-harm of someone whose age is given as under eighteen is also child safety;
# the age of something else, or a number that is not an age, adds nothing. Fresh sentences.
MINOR_AT_RISK = [
    "Our 15 year old told me tonight she wants to die and she's locked in the bathroom.",
    "Her son (13) keeps saying he wants to kill himself and nobody would miss him.",
    "My stepdaughter is sixteen and she's been saving up her pills, I found them today.",
]
ADULT_AT_RISK = [
    "Our marriage is 16 years old and tonight I want to die.",
    "I'm 15 minutes from the bridge and I want to die.",
]


@pytest.mark.parametrize("text", MINOR_AT_RISK)
def test_a_minors_self_harm_is_also_child_safety(text: str) -> None:
    result = screen(text)
    assert result.level is CrisisLevel.URGENT
    assert CrisisCategory.SELF_HARM in result.categories
    assert CrisisCategory.CHILD_SAFETY in result.categories


@pytest.mark.parametrize("text", ADULT_AT_RISK)
def test_an_adults_self_harm_adds_no_child_safety(text: str) -> None:
    result = screen(text)
    assert result.level is CrisisLevel.URGENT
    assert CrisisCategory.SELF_HARM in result.categories
    assert CrisisCategory.CHILD_SAFETY not in result.categories
