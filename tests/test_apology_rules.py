"""Language rules of the apology guardrail: rows that must be caught, rows that must pass."""

from __future__ import annotations

import json

import pytest

from guardrails import apology
from guardrails._lazy_re import LazyPattern
from guardrails._patterns import PatternError, compile_pattern, load_rules
from guardrails.apology import PATTERN_FILE, ApologyCategory
from guardrails.findings import CheckResult, Verdict


def check_apology(text: str) -> CheckResult:
    """The rules alone: what this file tests. The learned second opinion, and the whole
    checker's rate on ``MUST_PASS``, are tested in tests/test_apology_model.py."""
    return apology.check_apology(text, read_meaning=False)


C = ApologyCategory

# (draft, the category that must be among the findings, words the finding's span must contain)
MUST_MATCH: list[tuple[str, ApologyCategory, str]] = [
    # session 7: the faulty twins of the new exceptions
    ("I won't pretend I'm perfect, but you overreacted.", C.MINIMIZING, "overreacted"),
    (
        "I said 'sorry' already, so can we just drop it now?",
        C.DEMANDING_FORGIVENESS,
        "drop it",
    ),
    (
        "I didn't mean to hurt you, and that's what matters.",
        C.INTENT_OVER_IMPACT,
        "that's what matters",
    ),
    ("Sorry I snapped, I was stressed about the move.", C.EXCUSE, "stressed"),
    ("I'll never forget our anniversary again, I swear.", C.OVERPROMISING, "never forget"),
    (
        "I'm sorry, but you only took it that way because of the trauma.",
        C.WEAPONIZING_DISCLOSURE,
        "because of the trauma",
    ),
    (
        "I told myself it was fine because you were overreacting. Sorry.",
        C.MINIMIZING,
        "overreacting",
    ),
    # session 6: the faulty twins of the new exceptions below
    ("Can we just let it go now?", C.DEMANDING_FORGIVENESS, "let it go"),
    ("I'm sorry I yelled, but I was drunk.", C.EXCUSE, "I was drunk"),
    ("I'm sorry I yelled, but you didn't tell me first.", C.BLAME_SHIFT, "didn't tell me first"),
    (
        "I didn't mean to make you feel stupid, so you shouldn't be upset.",
        C.INTENT_OVER_IMPACT,
        "didn't mean",
    ),
    # excuse or justification
    ("I'm sorry, but I was exhausted.", C.EXCUSE, "exhausted"),
    ("I only did it because work was crazy.", C.EXCUSE, "because work was crazy"),
    ("I had no choice.", C.EXCUSE, "no choice"),
    ("I'm sorry I was late, but traffic was terrible.", C.EXCUSE, "traffic was terrible"),
    ("Sorry I snapped, I was just really tired.", C.EXCUSE, "tired"),
    ("Sorry, I was just so overwhelmed with the move.", C.EXCUSE, "overwhelmed"),
    ("I yelled because I'd been so stressed.", C.EXCUSE, "stressed"),
    ("What was I supposed to do?", C.EXCUSE, "supposed to do"),
    ("Anyone would have done the same.", C.EXCUSE, "Anyone would have"),
    ("In my defense, nobody told me.", C.EXCUSE, "In my defense"),
    ("It's not my fault the train was cancelled.", C.EXCUSE, "not my fault"),
    ("I had a really long day at work.", C.EXCUSE, "long day"),
    ("Sorry I missed your call, my battery died.", C.EXCUSE, "battery died"),
    ("I was late because the meeting ran over.", C.EXCUSE, "because the meeting"),
    ("Sorry I snapped, I hadn't eaten all day.", C.EXCUSE, "hadn't eaten"),
    ("I'm sorry, but I didn't know it was that important to you.", C.EXCUSE, "but I didn't know"),
    ("I'm sorry, but I'm not going to apologize for having friends.", C.EXCUSE, "but I'm not"),
    ("I apologize, but you have to understand how busy I've been.", C.BLAME_SHIFT, "but you have"),
    ("I'm sorry I lied, but you make it hard to tell you anything.", C.BLAME_SHIFT, "but you make"),
    # blame-shift
    ("You also forgot my birthday last year.", C.BLAME_SHIFT, "You also forgot"),
    ("If you hadn't yelled, I wouldn't have left.", C.BLAME_SHIFT, "If you hadn't"),
    ("If you had told me earlier, this wouldn't have happened.", C.BLAME_SHIFT, "If you had"),
    ("You took it wrong.", C.BLAME_SHIFT, "took it wrong"),
    ("You made me do it.", C.BLAME_SHIFT, "You made me"),
    ("You're too sensitive.", C.BLAME_SHIFT, "too sensitive"),
    ("I only yelled because you wouldn't stop nagging me.", C.BLAME_SHIFT, "because you"),
    ("You always do this, you blow everything up.", C.BLAME_SHIFT, "You always do this"),
    ("You never listen to me either.", C.BLAME_SHIFT, "You never listen"),
    ("It's your fault as much as mine.", C.BLAME_SHIFT, "your fault"),
    ("You're not perfect either.", C.BLAME_SHIFT, "not perfect either"),
    ("What about when you ignored my texts?", C.BLAME_SHIFT, "What about when you"),
    ("You misunderstood what I said.", C.BLAME_SHIFT, "misunderstood"),
    ("You should have told me sooner.", C.BLAME_SHIFT, "should have told"),
    ("You can't take a joke.", C.BLAME_SHIFT, "take a joke"),
    ("I know I was rude, but you were rude first.", C.BLAME_SHIFT, "rude first"),
    ("Maybe if you communicated better this wouldn't happen.", C.BLAME_SHIFT, "if you"),
    ("I'm sorry I forgot. You could have reminded me, though.", C.BLAME_SHIFT, "could have"),
    # conditional
    ("I'm sorry if you were offended.", C.CONDITIONAL, "sorry if"),
    ("Sorry if I hurt you.", C.CONDITIONAL, "if I hurt you"),
    ("If I hurt you, I apologize.", C.CONDITIONAL, "If I hurt you"),
    ("I'm sorry if my words came across wrong.", C.CONDITIONAL, "if my words"),
    ("I apologize if anything I said upset you.", C.CONDITIONAL, "if anything"),
    ("If that came across badly, sorry.", C.CONDITIONAL, "If that came across"),
    ("Sorry for whatever I did.", C.CONDITIONAL, "whatever"),
    ("Whatever I did, I'm sorry.", C.CONDITIONAL, "Whatever I did"),
    ("To the extent that I may have embarrassed you, I'm sorry.", C.CONDITIONAL, "extent"),
    ("Apologies if I came across as rude.", C.CONDITIONAL, "if I came across"),
    # non-apology
    ("I'm sorry you feel that way.", C.NON_APOLOGY, "you feel that way"),
    ("Mistakes were made.", C.NON_APOLOGY, "Mistakes were made"),
    ("I regret that you were offended.", C.NON_APOLOGY, "I regret that you"),
    ("I'm sorry that you're upset.", C.NON_APOLOGY, "you're upset"),
    ("I'm sorry you took it that way.", C.NON_APOLOGY, "you took it that way"),
    ("I'm sorry you felt that I ignored you.", C.NON_APOLOGY, "you felt that I"),
    ("Sorry for any confusion.", C.NON_APOLOGY, "any confusion"),
    ("I apologize for the misunderstanding.", C.NON_APOLOGY, "misunderstanding"),
    ("I'm sorry things got out of hand.", C.NON_APOLOGY, "things got out of hand"),
    ("I'm sorry you were hurt by what happened.", C.NON_APOLOGY, "you were hurt"),
    ("I'm sorry you feel neglected.", C.NON_APOLOGY, "you feel neglected"),
    ("I'm sorry for the way you took my comment.", C.NON_APOLOGY, "the way you took"),
    ("I regret that things happened the way they did.", C.NON_APOLOGY, "things happened"),
    ("Sorry your feelings got hurt.", C.NON_APOLOGY, "feelings got hurt"),
    # minimizing
    ("It was just a joke.", C.MINIMIZING, "just a joke"),
    ("It's not a big deal.", C.MINIMIZING, "big deal"),
    ("You're overreacting.", C.MINIMIZING, "overreacting"),
    ("It was only five minutes.", C.MINIMIZING, "only five minutes"),
    ("It was one comment, you're blowing it out of proportion.", C.MINIMIZING, "proportion"),
    ("Come on, lighten up.", C.MINIMIZING, "lighten up"),
    ("It was just a couple of drinks.", C.MINIMIZING, "just a couple of drinks"),
    ("You're being dramatic.", C.MINIMIZING, "dramatic"),
    ("I was five minutes late, it's not the end of the world.", C.MINIMIZING, "end of the world"),
    ("It wasn't that bad.", C.MINIMIZING, "that bad"),
    ("My bad.", C.MINIMIZING, "My bad"),
    ("Lol it was a joke babe.", C.MINIMIZING, "a joke"),
    ("Let's not make this a whole thing.", C.MINIMIZING, "whole thing"),
    ("It's really not that serious.", C.MINIMIZING, "not that serious"),
    # intent over impact
    ("I didn't mean it so you shouldn't be upset.", C.INTENT_OVER_IMPACT, "didn't mean it"),
    ("It wasn't my intention, that's what matters.", C.INTENT_OVER_IMPACT, "what matters"),
    ("I never meant to hurt you, you know that.", C.INTENT_OVER_IMPACT, "never meant"),
    ("My intentions were good, so I don't see the problem.", C.INTENT_OVER_IMPACT, "intentions"),
    ("I didn't mean it like that.", C.INTENT_OVER_IMPACT, "like that"),
    ("I was only trying to help.", C.INTENT_OVER_IMPACT, "trying to help"),
    ("It wasn't on purpose. Sorry.", C.INTENT_OVER_IMPACT, "on purpose"),
    ("You know I would never hurt you on purpose.", C.INTENT_OVER_IMPACT, "You know I would"),
    ("I meant it as a compliment.", C.INTENT_OVER_IMPACT, "meant it as"),
    # demanding forgiveness or moving on
    ("Can we just move on?", C.DEMANDING_FORGIVENESS, "move on"),
    ("You have to forgive me.", C.DEMANDING_FORGIVENESS, "have to forgive"),
    ("Let's put it behind us now.", C.DEMANDING_FORGIVENESS, "put it behind"),
    ("I said sorry, what more do you want?", C.DEMANDING_FORGIVENESS, "I said sorry"),
    ("I've apologized three times already, can we drop it?", C.DEMANDING_FORGIVENESS, "drop it"),
    ("I need you to let this go.", C.DEMANDING_FORGIVENESS, "let this go"),
    ("Okay, I'm sorry, are we good now?", C.DEMANDING_FORGIVENESS, "are we good now"),
    ("How many times do I have to apologize?", C.DEMANDING_FORGIVENESS, "How many times"),
    ("I'm sorry, ok? Jeez.", C.DEMANDING_FORGIVENESS, "sorry, ok?"),
    ("How long are you going to punish me for this?", C.DEMANDING_FORGIVENESS, "How long"),
    ("Are we done now?", C.DEMANDING_FORGIVENESS, "Are we done"),
    # sarcasm or self-pity
    ("Happy now?", C.SARCASM_SELF_PITY, "Happy now"),
    ("Fine. I'm sorry. Happy?", C.SARCASM_SELF_PITY, "Happy"),
    ("I'm such a terrible partner.", C.SARCASM_SELF_PITY, "terrible partner"),
    ("I guess I'm the worst person ever.", C.SARCASM_SELF_PITY, "the worst person"),
    ("Well excuse me for caring.", C.SARCASM_SELF_PITY, "excuse me for"),
    ("Sorry I'm such a disappointment to you.", C.SARCASM_SELF_PITY, "disappointment"),
    ("I guess I can't do anything right.", C.SARCASM_SELF_PITY, "anything right"),
    ("I'm sorry I'm not perfect like you.", C.SARCASM_SELF_PITY, "not perfect"),
    ("Oh, so now I'm the bad guy?", C.SARCASM_SELF_PITY, "bad guy"),
    ("Well, sorry for trying to be nice.", C.SARCASM_SELF_PITY, "sorry for trying"),
    ("Sorry, I guess.", C.SARCASM_SELF_PITY, "Sorry, I guess"),
    ("Oh great, so everything is my fault now.", C.SARCASM_SELF_PITY, "my fault"),
    ("I'm obviously a horrible boyfriend then.", C.SARCASM_SELF_PITY, "horrible"),
    ("Oh, I'm sorry, I forgot I'm not allowed to have friends.", C.SARCASM_SELF_PITY, "allowed"),
    # overpromising
    ("Never ever again.", C.OVERPROMISING, "Never ever"),
    ("I'll never be late again.", C.OVERPROMISING, "never be late"),
    ("I'll be there every single weekend, no exceptions.", C.OVERPROMISING, "every single"),
    ("I promise I will always text you back.", C.OVERPROMISING, "always"),
    ("This will never happen again, I promise.", C.OVERPROMISING, "never happen again"),
    ("I swear I will never look at my phone at dinner again.", C.OVERPROMISING, "never"),
    ("I promise you'll never have to worry about this again.", C.OVERPROMISING, "never have"),
    ("From now on I'll always put you first.", C.OVERPROMISING, "always"),
    ("I'll be a completely different person.", C.OVERPROMISING, "different person"),
    ("I'm sorry. I'll do whatever it takes, no matter what.", C.OVERPROMISING, "whatever it takes"),
    ("I promise I'll spend every weekend with you from now on.", C.OVERPROMISING, "every weekend"),
    ("I'll change completely, you'll have a whole new partner.", C.OVERPROMISING, "completely"),
    # weaponizing a tender disclosure
    ("You're only upset because of your dad.", C.WEAPONIZING_DISCLOSURE, "because of your dad"),
    ("This is your trust issues from your ex talking.", C.WEAPONIZING_DISCLOSURE, "talking"),
    ("That's just your anxiety talking.", C.WEAPONIZING_DISCLOSURE, "anxiety talking"),
    ("You're just insecure because your ex cheated on you.", C.WEAPONIZING_DISCLOSURE, "your ex"),
    ("I'm not your ex, stop treating me like him.", C.WEAPONIZING_DISCLOSURE, "your ex"),
    ("You're projecting your dad onto me.", C.WEAPONIZING_DISCLOSURE, "onto me"),
    ("Honestly, you're acting like your mother right now.", C.WEAPONIZING_DISCLOSURE, "mother"),
    ("You told me yourself you get jealous.", C.WEAPONIZING_DISCLOSURE, "told me yourself"),
    ("You're reacting like this because of your childhood.", C.WEAPONIZING_DISCLOSURE, "childhood"),
    ("Stop acting like your mom.", C.WEAPONIZING_DISCLOSURE, "like your mom"),
    (
        "I'm sorry, but you're being paranoid just like your mother.",
        C.WEAPONIZING_DISCLOSURE,
        "mother",
    ),
    # no ownership at all
    ("Whatever.", C.NO_OWNERSHIP, "Whatever."),
    ("Okay, noted.", C.NO_OWNERSHIP, "Okay, noted."),
    ("These things happen.", C.NO_OWNERSHIP, "These things happen."),
    ("It is what it is.", C.NO_OWNERSHIP, "It is what it is."),
    ("I hear you.", C.NO_OWNERSHIP, "I hear you."),
    ("Anyway, I got you flowers.", C.NO_OWNERSHIP, "flowers"),
    ("We both messed up.", C.NO_OWNERSHIP, "We both messed up."),
    ("  Noted. Let's talk later.  ", C.NO_OWNERSHIP, "Noted. Let's talk later."),
    # excuse: appeal to what anyone would do
    ("Sorry, but any normal person would have missed that email.", C.EXCUSE, "would have missed"),
    (
        "I'm sorry I forgot. Who wouldn't, with three kids and a full-time job?",
        C.EXCUSE,
        "wouldn't",
    ),
    ("Sorry. Everybody gets distracted by their phone at dinner.", C.EXCUSE, "gets distracted"),
    # excuse: upbringing or character as the reason
    ("I'm sorry I went quiet. That's the way we were in my family.", C.EXCUSE, "the way we were"),
    ("Sorry I snapped. It's just the way I was brought up.", C.EXCUSE, "brought up"),
    ("I was taught never to back down, so I kept arguing. Sorry.", C.EXCUSE, "taught"),
    (
        "I grew up with two brothers, so naturally I tease people. Sorry.",
        C.EXCUSE,
        "so naturally I",
    ),
    ("Sorry, that's just who I am.", C.EXCUSE, "who I am"),
    ("Sorry I didn't text back. I'm just not a texting person.", C.EXCUSE, "texting person"),
    ("Sorry, I'm a blunt person by nature.", C.EXCUSE, "blunt person"),
    # excuse: someone else's decision, or a formal "however" after the apology
    (
        "Sorry about the weekend. My manager decided we all had to work Saturday.",
        C.EXCUSE,
        "decided",
    ),
    ("I'm sorry the trip fell through; it wasn't up to me.", C.EXCUSE, "up to me"),
    ("Sorry, it was beyond my control.", C.EXCUSE, "beyond my control"),
    ("I apologise. Unfortunately, the trains were on strike.", C.EXCUSE, "Unfortunately"),
    ("I'm sorry. However, the school changed the pickup time.", C.EXCUSE, "changed the pickup"),
    ("Sorry, I couldn't think straight after the news.", C.EXCUSE, "think straight"),
    # non-apology: regret for their feelings
    ("I regret that you felt embarrassed at the party.", C.NON_APOLOGY, "regret that you felt"),
    ("I sincerely regret any offence taken.", C.NON_APOLOGY, "regret any offence"),
    ("I'm sorry that you chose to read it that way.", C.NON_APOLOGY, "chose to read"),
    ("I'm sorry you can't see that I was trying.", C.NON_APOLOGY, "can't see that"),
    # minimizing
    ("Sorry, but in the grand scheme of things it was nothing.", C.MINIMIZING, "grand scheme"),
    ("I can't understand why you're so hurt about a text. Sorry.", C.MINIMIZING, "so hurt"),
    ("Sorry I was late, it was barely five minutes.", C.MINIMIZING, "barely five minutes"),
    ("They were only words, I'm sorry.", C.MINIMIZING, "only words"),
    ("Sorry, it's not as if it was a big secret.", C.MINIMIZING, "not as if it was"),
    ("Relax, I said sorry.", C.MINIMIZING, "Relax"),
    # demanding forgiveness
    (
        "I'm sorry. I want you to tell me we're okay before you go to sleep.",
        C.DEMANDING_FORGIVENESS,
        "tell me we're okay",
    ),
    ("I'm sorry, please just forgive me now.", C.DEMANDING_FORGIVENESS, "forgive me now"),
    (
        "I expect you to be over this by the weekend.",
        C.DEMANDING_FORGIVENESS,
        "expect you to be over",
    ),
    ("I can't relax until you say you forgive me.", C.DEMANDING_FORGIVENESS, "until you say"),
    ("It's been a month, you should have moved on by now.", C.DEMANDING_FORGIVENESS, "moved on"),
    # overpromising
    ("I'm sorry. I'll think of your needs every waking moment.", C.OVERPROMISING, "every waking"),
    ("I'll cherish you till the day I die, I'm sorry.", C.OVERPROMISING, "till the day I die"),
    ("I'm sorry, I won't even so much as text her.", C.OVERPROMISING, "so much as"),
    (
        "I'm sorry. I'll keep you in the loop on every decision I make.",
        C.OVERPROMISING,
        "every decision",
    ),
    (
        "I'm sorry. I'll pick up every call you make, day or night.",
        C.OVERPROMISING,
        "every call you",
    ),
    ("I'm sorry. I'll be the ideal husband from now on.", C.OVERPROMISING, "ideal husband"),
    ("Sorry, I won't be late ever again.", C.OVERPROMISING, "ever again"),
    # weaponizing a disclosure
    (
        "Sorry, but you admitted your jealousy makes you imagine things.",
        C.WEAPONIZING_DISCLOSURE,
        "admitted",
    ),
    (
        "You confided that your parents lied to you, so now you think everyone lies.",
        C.WEAPONIZING_DISCLOSURE,
        "confided",
    ),
    (
        "Considering your history with your ex, you'd suspect anyone.",
        C.WEAPONIZING_DISCLOSURE,
        "Considering your history",
    ),
    (
        "I'm sorry, but you only feel like this because your mom left.",
        C.WEAPONIZING_DISCLOSURE,
        "because your mom",
    ),
    (
        "Remember when you told me you push people away? You're doing it now.",
        C.WEAPONIZING_DISCLOSURE,
        "Remember when you told me",
    ),
    # blame-shift without "you also"
    (
        "If you'd answered your phone, I wouldn't have gone without you.",
        C.BLAME_SHIFT,
        "If you'd answered",
    ),
    ("Had you asked me properly, I would have helped.", C.BLAME_SHIFT, "Had you asked"),
    ("I stormed out because of your attitude.", C.BLAME_SHIFT, "because of your attitude"),
    ("You know how I get when you tease me about my job.", C.BLAME_SHIFT, "when you"),
    ("Sorry. Maybe don't surprise me with guests next time.", C.BLAME_SHIFT, "don't surprise me"),
    ("Sorry, but you know exactly how to push my buttons.", C.BLAME_SHIFT, "push my buttons"),
    # no ownership behind a "sorry"
    ("Sorry for all of it, I suppose.", C.NO_OWNERSHIP, "all of it"),
    ("I don't know what I did, but I'm sorry.", C.NO_OWNERSHIP, "what I did"),
    ("Sorry. Anyway, did you call the plumber?", C.NO_OWNERSHIP, "Anyway"),
    ("Sorry, but what's done is done.", C.NO_OWNERSHIP, "done is done"),
    ("Ok sorry, it doesn't matter anymore.", C.NO_OWNERSHIP, "matter anymore"),
    # conditional, intent, sarcasm variants
    ("If you felt let down, I'm sorry.", C.CONDITIONAL, "If you felt let down"),
    ("To some degree I'm sorry.", C.CONDITIONAL, "To some degree"),
    ("I'm sorry if the joke landed badly.", C.CONDITIONAL, "if the joke landed"),
    ("My motives were good, that's what counts.", C.INTENT_OVER_IMPACT, "motives"),
    ("I didn't say it to upset you.", C.INTENT_OVER_IMPACT, "to upset you"),
    ("I did it because I thought it was for the best.", C.INTENT_OVER_IMPACT, "for the best"),
    ("Sorry I'm such a screw-up.", C.SARCASM_SELF_PITY, "screw-up"),
    ("Sorry for having an opinion.", C.SARCASM_SELF_PITY, "having an opinion"),
    ("Sorry I yelled. That's how everyone in my family handles conflict.", C.EXCUSE, "my family"),
    ("I regret any confusion that may have arisen.", C.NON_APOLOGY, "regret any confusion"),
    ("Sorry. You've got to get past this eventually.", C.DEMANDING_FORGIVENESS, "get past"),
    ("If you'd warned me, I'd have left earlier.", C.BLAME_SHIFT, "If you'd warned me"),
    ("I don't know what I'm supposed to have done, but sorry.", C.NO_OWNERSHIP, "supposed to"),
    # circumstances given as the cause: a clause about things or other people, not the writer
    ("Sorry I was late, because the kids wouldn't get in the car.", C.EXCUSE, "because the kids"),
    ("I'm sorry I snapped since my sister had been on at me all day.", C.EXCUSE, "since my sister"),
    ("I lied cause I knew you'd worry about it.", C.EXCUSE, "cause I knew you'd"),
    ("Sorry I forgot, with the move and the new job it slipped.", C.EXCUSE, "with the move"),
    ("I'm sorry. The thing is, nobody reminded me.", C.EXCUSE, "The thing is"),
    ("Sorry I missed it. What happened was the car wouldn't start.", C.EXCUSE, "What happened"),
    ("I meant to call. I was going to, but the evening ran away.", C.EXCUSE, "going to, but"),
    ("Sorry I didn't tell you. It never seemed like the right moment.", C.EXCUSE, "right moment"),
    ("I'm sorry. There was a mix-up at the station.", C.EXCUSE, "mix-up"),
    ("Sorry I missed your call, we were stuck on the motorway.", C.EXCUSE, "stuck"),
    ("I'm sorry. My head has been all over the place lately.", C.EXCUSE, "all over the place"),
    ("Sorry about last night, I'd had a couple and you know how it is.", C.EXCUSE, "had a couple"),
    ("sorry, crazy week, manager kept me back every night", C.EXCUSE, "crazy week"),
    ("Sorry I skipped it. Crowds make me so anxious.", C.EXCUSE, "make me so anxious"),
    ("I'm sorry I went quiet. That's just how I cope with things.", C.EXCUSE, "how I cope"),
    ("Sorry I forgot. Work has been relentless.", C.EXCUSE, "relentless"),
    ("I'm sorry. It's been such a difficult month at work.", C.EXCUSE, "difficult month"),
    ("Sorry. My phone was on five percent all day.", C.EXCUSE, "phone was on"),
    # questions aimed at the partner after an apology, tu quoque, conditions, generalisations
    ("I'm sorry. Why do you never see my side of it?", C.BLAME_SHIFT, "Why"),
    ("Sorry. Have you ever wondered why I stopped telling you things?", C.BLAME_SHIFT, "Have you"),
    ("Sorry I looked. Would I have looked if you were honest with me?", C.BLAME_SHIFT, "Would I"),
    ("I'm sorry I stayed late. Who wants to come home to a lecture?", C.BLAME_SHIFT, "Who wants"),
    ("Sorry about the trip. Your mum wasn't exactly friendly either.", C.BLAME_SHIFT, "either"),
    ("I'd text more if every text wasn't picked apart.", C.BLAME_SHIFT, "I'd text more if"),
    (
        "I'm sorry I drifted. You stopped asking about my day ages ago.",
        C.BLAME_SHIFT,
        "You stopped",
    ),
    ("I'm sorry I shouted. You tend to push until I crack.", C.BLAME_SHIFT, "You tend to"),
    ("Sorry I snapped. You get so loud when you're tired.", C.BLAME_SHIFT, "You get so loud"),
    ("Sorry. I wish you'd ever asked how I was coping.", C.BLAME_SHIFT, "wish you'd ever"),
    ("Sorry. Then I wouldn't have had to guess.", C.BLAME_SHIFT, "wouldn't have had to"),
    ("I'm sorry I left, though to be fair the room was tense.", C.BLAME_SHIFT, "to be fair"),
    # self-pity that centres the apologiser
    ("I'm sorry. I never do anything right, do I.", C.SARCASM_SELF_PITY, "anything right"),
    ("Sorry I'm such a huge letdown again.", C.SARCASM_SELF_PITY, "letdown"),
    ("Fine, sorry. Guess I'll just stay home from now on.", C.SARCASM_SELF_PITY, "I'll just"),
    ("You have no idea how awful I've felt all week.", C.SARCASM_SELF_PITY, "no idea how"),
    ("I'm sorry. I feel like I'm falling apart.", C.SARCASM_SELF_PITY, "falling apart"),
    ("I'm sorry. I've barely slept since.", C.SARCASM_SELF_PITY, "barely slept"),
    (
        "I tried to help, so I'm really hurt that you're angry.",
        C.SARCASM_SELF_PITY,
        "hurt that you",
    ),
    # a hollow apology: an event with no doer, or a bare sorry and a new topic
    ("I'm sorry the weekend turned out badly.", C.NO_OWNERSHIP, "weekend turned out"),
    ("Sorry the tickets got mixed up.", C.NO_OWNERSHIP, "tickets got mixed up"),
    ("I regret that the argument escalated.", C.NO_OWNERSHIP, "argument escalated"),
    ("Sorry. Anyway, what time is dinner?", C.NO_OWNERSHIP, "Anyway"),
    ("ok sorry. did you see the match", C.NO_OWNERSHIP, "did you see"),
    ("I'm sorry. Can we talk about the weekend plans now?", C.NO_OWNERSHIP, "talk about the"),
    ("Apologies. Moving on, the car needs a service.", C.NO_OWNERSHIP, "Moving on"),
    ("I guess I owe you an apology.", C.SARCASM_SELF_PITY, "owe you an apology"),
    # demanding to be done, on the writer's clock
    ("I'm sorry. Just tell me we're fine so I can sleep.", C.DEMANDING_FORGIVENESS, "we're fine"),
    ("I've said sorry twice now.", C.DEMANDING_FORGIVENESS, "said sorry"),
    ("Sorry. How many more days of this?", C.DEMANDING_FORGIVENESS, "How many more"),
    ("Sorry! Can we please just be normal again?", C.DEMANDING_FORGIVENESS, "be normal"),
    ("I hope we can put this behind us before the weekend.", C.DEMANDING_FORGIVENESS, "behind us"),
    ("When will you trust me again?", C.DEMANDING_FORGIVENESS, "When will you trust"),
    ("Sorry. Now the ball is in your court.", C.DEMANDING_FORGIVENESS, "in your court"),
    ("I hope you can rise above it and let it go.", C.DEMANDING_FORGIVENESS, "let it go"),
    ("Sorry. Let's call it even.", C.DEMANDING_FORGIVENESS, "call it even"),
    # a confided history used as the reason the partner is upset or wrong
    (
        "Sorry. But you did tell me your dad drank, so maybe this is about him.",
        C.WEAPONIZING_DISCLOSURE,
        "you did tell me",
    ),
    (
        "You did admit you used to cheat, so I find it hard to trust your side.",
        C.WEAPONIZING_DISCLOSURE,
        "admit",
    ),
    (
        "I know loud voices scare you after your stepdad, but you do overreact.",
        C.WEAPONIZING_DISCLOSURE,
        "but you",
    ),
    (
        "Sorry I brought up your diagnosis, it explains why you're so moody.",
        C.WEAPONIZING_DISCLOSURE,
        "explains why you",
    ),
    (
        "At least I don't storm out like your mum used to.",
        C.WEAPONIZING_DISCLOSURE,
        "like your mum used to",
    ),
    # minimizing by comparison, by size, by a rhetorical tag
    ("At least I didn't forget the whole day.", C.MINIMIZING, "At least I didn't"),
    ("It was ten minutes, hardly a crime.", C.MINIMIZING, "hardly a crime"),
    ("It was an offhand remark.", C.MINIMIZING, "offhand remark"),
    ("There are people with bigger problems.", C.MINIMIZING, "people with bigger problems"),
    ("It's a blip.", C.MINIMIZING, "blip"),
    ("Half an hour isn't that late though, is it?", C.MINIMIZING, "is it?"),
    # intent over impact
    (
        "I didn't do it on purpose, so you can't hold it against me.",
        C.INTENT_OVER_IMPACT,
        "on purpose",
    ),
    ("Sorry, I honestly thought I was being helpful.", C.INTENT_OVER_IMPACT, "being helpful"),
    ("I didn't want to upset you before your exam.", C.INTENT_OVER_IMPACT, "didn't want to upset"),
    # overpromising: a totalising promise
    ("I'll do better, always, from this moment.", C.OVERPROMISING, "always"),
    (
        "I'll take all the bills, all the chores and all the driving.",
        C.OVERPROMISING,
        "all the bills",
    ),
    # conditional with a contraction
    ("If I've done anything wrong, sorry.", C.CONDITIONAL, "If I've done anything"),
]

# Honest apologies, partial apologies, empathy, restatements and realistic commitments.
MUST_PASS: list[str] = [
    # session 7: the writer quotes their own excuse to own it, refuses to repeat it, or owns the
    # impact before "that's what matters" (fresh sentences)
    "I told you 'it's just how I am' on Friday, as if that settled it. I'm sorry I shouted.",
    "I keep saying 'you're too sensitive' and it isn't true. I'm sorry I laughed at you.",
    "I'm not going to say I was only joking. I mocked you, and I'm sorry.",
    "I didn't mean to scare you when I braked, but I did, and that's what matters. Sorry.",
    "I was exhausted and took it out on you at the school gate. Not your fault. I'm sorry.",
    "I told myself it was only a drink, but it wasn't just a drink to you. I'm sorry.",
    "I didn't mean for the text to sound so blunt, and I can see it did. I'm sorry.",
    "I was hungover and short with you at lunch, which is not your problem to fix. I'm sorry.",
    "I'll always regret not being at the airport for you. I'm sorry I chose the meeting.",
    "I thought I was protecting you by not telling you. I see now that I took the choice from you.",
    # session 6: the writer owns the impact, judges their own words, or names the problem
    "I didn't mean to sound superior about the bills, but I was being condescending. I'm sorry.",
    "I meant it as banter, but I can see it stung, and the comment itself was cruel. I'm sorry.",
    "I let it go too far with the teasing at dinner and you were the one paying for it. Sorry.",
    "I was tipsy at your sister's and I said things about your mum that were unkind. I'm sorry.",
    "It seemed like nothing to me at the time, which is exactly the problem. I'm sorry I lent "
    "your car without asking.",
    "I sulked because you didn't ask me first, and honestly that's a me thing. I'm sorry.",
    # intent stated while the impact is owned
    "I wasn't trying to embarrass you, and I did. I'm sorry.",
    "I didn't mean to hurt you, and yet I did.",
    "I didn't mean to make you feel small, but I did, and I'm sorry.",
    # honest partial apologies (the article's own)
    "I'm sorry we got into a fight about this.",
    "I'm sorry I was impatient.",
    "I didn't listen to you when you really needed to be heard.",
    # an explanation that keeps responsibility
    "I was stressed, and that's no excuse; I'm sorry I snapped at you.",
    "I'm sorry I snapped. There's no excuse for it.",
    "I was tired, but that's not your fault, and I'm sorry I took it out on you.",
    "I'm sorry I forgot, not because I don't care, but because I didn't think.",
    "I'm sorry, but I understand why you're hurt.",
    "I'm sorry I didn't show up. It wasn't because I didn't care, but I see that's how it felt.",
    # realistic, specific commitments
    "I'll text you if I'm running late.",
    "I can't promise I'll never slip up, but I'll tell you right away if I do.",
    "I'm sorry I kept checking my phone during dinner. I'll leave it in the other room on Fridays.",
    # empathy for a hurt from before the relationship
    "I'm sorry you went through that. You didn't deserve it.",
    "I wish that didn't happen to you.",
    "You were bullied at school, and no one stood up for you. I'm so sorry. "
    "You didn't deserve that.",
    "That must have been so lonely. I'm sorry you went through that with your dad.",
    # the article's worked examples, with restatements that use "you"
    "I'm sorry I broke your trust. I need to figure out how to support you better.",
    "You felt embarrassed. I'm sorry I embarrassed you.",
    "You felt embarrassed when I left early. That makes sense. I'm sorry I embarrassed you.",
    "You felt judged and shamed by kids at school for how you dressed. That's why you're really "
    "sensitive to any comments about how you look. That makes sense to me. I'm sorry you "
    "experienced that. You didn't deserve it.",
    "You feel invisible when we spend time with my friends. It's like I forget you exist because "
    "I'm so excited to see them. And that makes your anxiety worse. I can see that I've been doing "
    "that to you for years. I wasn't trying to make you feel that way, and yet I did. I am sorry.",
    "I said I was going to support you in going on that trip with your friends. And then I "
    "complained to you about how hard it was on me. You felt confused and angry. I'm sorry I broke "
    "your trust in that way, and I'm sorry I haven't lived up to that.",
    "You were sad and angry. I can see that my actions reminded you of old situations. I am sorry "
    "that you had to relive those old painful memories.",
    # owning a past minimizing or blaming remark is not repeating it
    "I know I said you were overreacting, and that was unfair. I'm sorry.",
    "I'm sorry I brushed it off as a joke. It wasn't just a joke to you, and it hurt.",
    "It was a big deal, and I treated it like it wasn't. I'm sorry.",
    "I'm sorry I said your worries were silly. They aren't.",
    "I know it was more than five minutes to you; it was another time I didn't show up. I'm sorry.",
    # "you" in a restatement or an owning clause is not blame
    "I'm sorry you felt hurt when I ignored you.",
    "You told me you felt alone, and I didn't listen. I'm sorry.",
    "I'm sorry I interrupted you. You always have to fight to be heard, and I made it harder.",
    "I know you've told me how much your dad's drinking scared you, and I got drunk anyway. "
    "I'm sorry.",
    "I get why you're upset, and I'm sorry I laughed.",
    # plain ownership
    "I'm sorry I made that joke about your cooking in front of my parents. It was unkind.",
    "I'm so sorry I lied about where I was. I broke your trust.",
    "I forgot our anniversary. I know how much it meant to you, and I'm sorry.",
    "It was selfish of me to cancel at the last minute. I'm sorry.",
    "I messed up. I'm sorry I wasn't there when you needed me.",
    "I should have called. I'm sorry you sat there waiting.",
    "I'm sorry I was so distant this week.",
    "I regret how I spoke to you, and I'm sorry.",
    "My words were hurtful and unfair.",
    "I'm sorry I missed your call. You needed me and I wasn't there.",
    "I didn't mean any harm, but I caused some. I'm sorry.",
    "I wasn't trying to make you jealous. And yet it made you feel second best. I'm sorry.",
    "I'm sorry if I'm repeating myself, but I want to say it properly: I'm sorry I missed it.",
    "I was acting just like your dad, and I'm sorry.",
    "I'm sorry I compared you to your mom. That was a low blow.",
    "I'm sorry you felt so alone growing up.",
    "I'm so sorry that happened to you.",
    "I'm sorry I promised you every weekend and then kept cancelling.",
    "I'm sorry you feel neglected when I work late. I've put work first.",
    "Sorry I was short with you. I was stressed, which isn't your fault, and I shouldn't have "
    "taken it out on you.",
    "I'm sorry. You were right, and I was too proud to admit it.",
    # intent stated with "but", then the impact owned in the same sentence
    "I didn't mean to make you feel stupid, but I can see my tone did that, and I'm sorry.",
    "My aim was to save us money, but cancelling the holiday without asking left you feeling "
    "shut out. I'm sorry.",
    "It wasn't my intention to flirt, but you felt humiliated watching it, and I'm sorry.",
    "I wasn't trying to hide it, but I never told you, and you deserved to know. I'm sorry.",
    "I was trying to be supportive, but I lectured you when you wanted comfort. I'm sorry.",
    # "just" / "only" inside an owning sentence
    "I'm sorry it was just one more time I put work ahead of you.",
    "I'm sorry I only thought about myself that night.",
    "I told you it was only a couple of drinks, and I see now that wasn't the point. I'm sorry.",
    "It was a small thing, but it's another time I didn't listen. I'm sorry.",
    "My plan was to help you relax, but I didn't ask what you wanted. I'm sorry.",
    # context words that are not excuses
    "I grew up in a house where nobody said sorry, so this is new for me, "
    "but I'm sorry I hurt you.",
    "Anyone would have been hurt by that. I'm sorry I said it.",
    "I'm sorry I stayed late when my boss called a meeting. I chose work over your recital.",
    "I'm sorry there was nothing I did to help you when your dad was sick.",
    "I was running late and didn't text. I still should have texted. I'm sorry.",
    "I'm sorry. However I explain it, I broke my word.",
    "If you had known about the loan, you could have planned. I'm sorry I kept it from you.",
    "I'm sorry I interrupted you every time you tried to explain.",
    "I'm sorry I let my sister decide our plans instead of asking you.",
    "I know I can't change it now. I'm sorry I missed your graduation.",
    "I regret not calling you back. You were waiting for me.",
    # restatements, owned explanations and empathy beside the new structural rules
    "I'm sorry I snapped. You're always so patient with me and I wasn't with you.",
    "I'm sorry. I know you tend to go quiet when you're hurt, and I should have noticed.",
    "I'm sorry about the party. Your friends made an effort and I didn't either.",
    "I'm sorry I panicked and lied. That's on me.",
    "I'm sorry I forgot. What can I do to make it right?",
    "I'm sorry. How did it feel when I left?",
    "I'm sorry I was late. Can we talk about what would help next time?",
    "I'm sorry I yelled. I'd like to talk again if you're up for it.",
    "Sorry I didn't call. Anyway, I want to hear how your day went first.",
    "I'm sorry the dinner was ruined by my mood.",
    "I'm sorry. I'll try to do better, though I won't always get it right.",
    "I'm sorry I forgot our anniversary. I wish you'd never had to remind me.",
    "I was exhausted when I said it, and I'm not saying that to excuse it. I'm sorry.",
    "I was stressed, but that's mine to deal with, not yours. I'm sorry I was short.",
    "I hid it because I knew you'd be angry, and that made it worse. I'm sorry.",
    "I meant it kindly. It landed as criticism, and you're the one who felt it. I'm sorry.",
    "I thought I was protecting you, but keeping it quiet took away your say. I'm sorry.",
    "I'm sorry I brought up your dad. I know how much that hurts, and I used it against you.",
    "I'm sorry. This is hard for me to say, but I was wrong to read your messages.",
    "I'm sorry for being grumpy. I made the whole evening about my bad day.",
    "You'd worked all day too, and I left the dishes for you. I'm sorry.",
    "I'm sorry that happened to you at school. You didn't deserve it.",
    "I'm sorry. I hope someday you can forgive me, and I'll wait as long as it takes.",
    # typographic apostrophes behave like straight ones
    "I\u2019m sorry I didn\u2019t call. That\u2019s on me.",
]


@pytest.mark.parametrize(("text", "category", "span_words"), MUST_MATCH)
def test_fault_is_named(text: str, category: ApologyCategory, span_words: str) -> None:
    result = check_apology(text)
    assert result.verdict is Verdict.REJECT
    matching = [f for f in result.findings if f.category == category.value]
    assert matching, f"expected {category}, got {[f.category for f in result.findings]}"
    assert any(span_words.lower() in f.span.text.lower() for f in matching), [
        f.span.text for f in matching
    ]


@pytest.mark.parametrize("text", MUST_PASS)
def test_honest_apology_passes(text: str) -> None:
    result = check_apology(text)
    assert result.findings == [], [(f.category, f.span.text) for f in result.findings]
    assert result.verdict is Verdict.ACCEPT
    assert result.accepted


def test_every_category_has_rows_that_must_match() -> None:
    assert {category for _, category, _ in MUST_MATCH} == set(ApologyCategory)


@pytest.mark.parametrize("text", [row[0] for row in MUST_MATCH])
def test_spans_point_into_the_text(text: str) -> None:
    for finding in check_apology(text).findings:
        assert text[finding.span.start : finding.span.end] == finding.span.text
        assert finding.reason and finding.hint


def test_spans_are_offsets_into_the_original_text_in_a_whole_response() -> None:
    text = (
        "You felt embarrassed when I left early. That makes sense.\n"
        "I\u2019m sorry, but I was exhausted. Can we just move on?"
    )
    result = check_apology(text)
    categories = [f.category for f in result.findings]
    assert categories == [C.EXCUSE.value, C.DEMANDING_FORGIVENESS.value]
    excuse, demand = result.findings
    assert excuse.span.text == "I was exhausted"
    assert excuse.span.start == text.index("I was exhausted")
    assert demand.span.start == text.index("Can we just move on")


def test_a_phrase_is_reported_once() -> None:
    result = check_apology("Sorry if you didn't feel heard.")
    assert [f.category for f in result.findings] == [C.CONDITIONAL.value]


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_text_is_rejected_for_no_ownership(text: str) -> None:
    result = check_apology(text)
    assert result.verdict is Verdict.REJECT
    [finding] = result.findings
    assert finding.category == C.NO_OWNERSHIP.value
    assert (finding.span.start, finding.span.end, finding.span.text) == (0, 0, "")


def test_a_formal_however_is_reported_once_under_its_specific_name() -> None:
    text = "I apologize. However, the bank froze the account and there was nothing I could do."
    result = check_apology(text)
    assert [(f.category, f.span.text) for f in result.findings] == [
        (C.EXCUSE.value, "nothing I could do")
    ]


def test_intent_with_but_and_owned_impact_passes_but_intent_alone_does_not() -> None:
    owned = "I didn't mean to rush you, but I did rush you, and you felt pressured. I'm sorry."
    assert check_apology(owned).accepted
    bare = "I didn't mean to rush you, but that's just how I am."
    categories = {f.category for f in check_apology(bare).findings}
    assert C.INTENT_OVER_IMPACT.value in categories or C.EXCUSE.value in categories


def test_no_ownership_is_added_beside_a_named_fault() -> None:
    result = check_apology("You're too sensitive.")
    assert [f.category for f in result.findings] == [C.BLAME_SHIFT.value, C.NO_OWNERSHIP.value]


def test_no_ownership_is_not_added_when_something_is_owned() -> None:
    result = check_apology("I'm sorry, but you're too sensitive.")
    assert C.NO_OWNERSHIP.value not in [f.category for f in result.findings]


def test_json_shape_is_stable() -> None:
    dumped = check_apology("I'm sorry if you were offended.").model_dump(mode="json")
    assert list(dumped) == ["verdict", "findings"]
    assert dumped["verdict"] == "reject"
    [finding] = dumped["findings"]
    assert list(finding) == ["category", "span", "reason", "hint"]
    assert list(finding["span"]) == ["start", "end", "text"]
    assert finding["category"] == "conditional"
    assert json.loads(json.dumps(dumped)) == dumped
    accepted = check_apology("I'm sorry I was impatient.").model_dump(mode="json")
    assert accepted == {"verdict": "accept", "findings": []}


def test_every_family_names_a_known_category_and_says_why_and_how() -> None:
    rules = load_rules(PATTERN_FILE)
    for family in rules.families:
        assert family.spec.category in set(ApologyCategory), family.spec.name
        assert family.spec.reason.strip() and family.spec.hint.strip()


def test_pattern_conventions() -> None:
    lexicon = {"state": "tired|exhausted"}
    pattern = compile_pattern(r"\bI'm (?:%state%)\b", lexicon)
    assert pattern.search("im   EXHAUSTED")
    assert not pattern.search("I'm fine")
    with pytest.raises(PatternError, match="unknown lexicon entry"):
        compile_pattern(r"%nope%", lexicon)
    with pytest.raises(PatternError, match="does not compile"):
        compile_pattern(r"(unclosed", lexicon)


def test_patterns_are_compiled_once() -> None:
    assert load_rules(PATTERN_FILE) is load_rules(PATTERN_FILE)
    families = load_rules(PATTERN_FILE).families
    patterns = [p for f in families for p in f.patterns]
    # Each compiles at most once per process: when built, or on first use after the cache.
    assert all(isinstance(p, LazyPattern) for p in patterns)
    first = patterns[0]
    assert isinstance(first, LazyPattern) and first.compiled is first.compiled


def test_only_after_counts_a_match_only_after_an_apology() -> None:
    # The same new topic is a hollow apology after "sorry", and ordinary talk without one.
    after = check_apology("Sorry I was late. Right, the plumber comes at ten.")
    assert any(
        f.category == C.NO_OWNERSHIP.value and "Right" in f.span.text for f in after.findings
    )
    without = check_apology("I fixed the tap. Right, the plumber comes at ten.")
    assert not any("Right" in f.span.text for f in without.findings)
    # Only the previous sentence counts, not one further back.
    far = check_apology(
        "I'm sorry I was late. I should have left earlier. Right, the plumber comes at ten."
    )
    assert not any("Right" in f.span.text for f in far.findings)
