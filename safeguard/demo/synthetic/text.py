"""Names and narratives for synthetic records: plausible, plainly fictional, cheap to make.

A narrative is a slice of one long shuffled text, cut at word boundaries to a length drawn
from a log-normal spread (most are a paragraph or two, a few run to pages), so millions
can be made in seconds without two neighbouring records reading the same.
"""

import math
import random

FIRST_NAMES = [
    "Aaliyah",
    "Adam",
    "Aisha",
    "Alfie",
    "Amara",
    "Amelia",
    "Archie",
    "Arlo",
    "Ava",
    "Bella",
    "Caleb",
    "Chloe",
    "Daisy",
    "Dylan",
    "Eden",
    "Eliza",
    "Ellis",
    "Elsie",
    "Emily",
    "Ethan",
    "Evie",
    "Ezra",
    "Farah",
    "Finley",
    "Freya",
    "George",
    "Grace",
    "Hamza",
    "Harper",
    "Harry",
    "Hugo",
    "Ibrahim",
    "Imani",
    "Isaac",
    "Isla",
    "Ivy",
    "Jack",
    "Jacob",
    "Jude",
    "Kai",
    "Layla",
    "Leo",
    "Lily",
    "Logan",
    "Luca",
    "Maisie",
    "Maya",
    "Mia",
    "Mohammed",
    "Muhammad",
    "Nia",
    "Noah",
    "Olivia",
    "Oscar",
    "Phoebe",
    "Poppy",
    "Reggie",
    "Riley",
    "Rosie",
    "Ruby",
    "Sami",
    "Sienna",
    "Sofia",
    "Theo",
    "Thomas",
    "Tobias",
    "Willow",
    "Yusuf",
    "Zara",
    "Zofia",
]
LAST_NAMES = [
    "Abbott",
    "Adeyemi",
    "Ahmed",
    "Ali",
    "Anderson",
    "Bailey",
    "Begum",
    "Bennett",
    "Brooks",
    "Campbell",
    "Carter",
    "Chen",
    "Clarke",
    "Cooper",
    "Davies",
    "Dawson",
    "Edwards",
    "Ellis",
    "Evans",
    "Fisher",
    "Foster",
    "Green",
    "Hall",
    "Harris",
    "Hughes",
    "Hussain",
    "Iqbal",
    "Jackson",
    "James",
    "Johnson",
    "Jones",
    "Kaur",
    "Kelly",
    "Khan",
    "King",
    "Kowalski",
    "Lewis",
    "Lloyd",
    "Marsh",
    "Martin",
    "Mensah",
    "Mitchell",
    "Moore",
    "Morgan",
    "Murphy",
    "Nowak",
    "Okafor",
    "Owen",
    "Patel",
    "Phillips",
    "Price",
    "Rahman",
    "Reid",
    "Roberts",
    "Robinson",
    "Rossi",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]

_SENTENCES = (
    "During morning registration the pupil seemed withdrawn and did not answer their name.",
    "At break time they told me that things had been difficult at home this week.",
    "I noticed a mark on the pupil's forearm when they rolled up their sleeves in science.",
    "When asked how they got it they said they had fallen over in the park at the weekend.",
    "The pupil arrived late again without breakfast and said there was no food in the house.",
    "A parent telephoned the office to say there had been an argument at home last night.",
    "Two pupils reported that messages had been sent about the pupil in a group chat.",
    "The pupil was upset after lunch and said another child had pushed them on the field.",
    "I reassured them that they had done the right thing by telling an adult.",
    "I did not ask leading questions and wrote down what was said in the pupil's own words.",
    "They said: I don't want to go home tonight because it gets loud.",
    "Their uniform has been unwashed for several days and they have complained of being cold.",
    "Attendance has dropped this half term and two absences were not explained.",
    "The pupil disclosed that an older sibling looks after them most evenings.",
    "I informed the DSL in person straight after the lesson, as the policy requires.",
    "Mum collected the pupil at the end of the day and seemed in a hurry to leave.",
    "The pupil said they had been awake most of the night and fell asleep in maths.",
    "A member of the public reported seeing the pupil alone near the canal after dark.",
    "The pupil has been searching online for worrying content during computing lessons.",
    "During PE the pupil was reluctant to change and said their back hurt.",
    "Friends told the form tutor that the pupil has stopped eating at lunchtime.",
    "The pupil became distressed when the topic of families came up in the lesson.",
    "They asked whether what they said would be kept secret and I explained I would need to share it.",
    "Social care were contacted by the DSL and a referral was discussed.",
    "The class teacher has noticed a change in behaviour since the start of term.",
    "The pupil said that a person they met online had asked them for photographs.",
    "There was a physical altercation in the corridor and both pupils were separated.",
    "The pupil apologised and said they had been angry about something that happened at home.",
    "Grandparents have been collecting the pupil since the family moved house.",
    "The school nurse saw the pupil and recorded the injury on the body map.",
    "I spoke to the parent on the phone and they were supportive and thanked the school.",
    "The pupil said they were worried about a parent who has been unwell for some time.",
    "Homework has not been completed for three weeks and the pupil seems very tired.",
    "A note was found in the pupil's book saying they felt that nobody cared about them.",
    "The pupil was seen by the mental health support team and a follow-up was arranged.",
    "Early help was offered to the family and they agreed to a meeting next week.",
)


def _corpus(seed: int, size: int = 400_000) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    length = 0
    while length < size:
        sentence = rng.choice(_SENTENCES)
        parts.append(sentence)
        length += len(sentence) + 1
        if rng.random() < 0.12:
            parts.append("\n\n")
    return " ".join(parts).replace(" \n\n ", "\n\n")


class Narratives:
    """Narratives of a given typical length, from one shuffled corpus."""

    def __init__(self, rng: random.Random, *, median: int, spread: float, longest: int) -> None:
        self.rng = rng
        self.mu = math.log(median)
        self.spread = spread
        self.longest = longest
        self.corpus = _corpus(rng.randrange(1_000_000))
        self.limit = len(self.corpus) - longest - 200

    def length(self) -> int:
        return max(30, min(self.longest, int(self.rng.lognormvariate(self.mu, self.spread))))

    def text(self) -> str:
        wanted = self.length()
        start = self.corpus.find(" ", self.rng.randrange(self.limit)) + 1
        end = self.corpus.find(". ", start + wanted)
        return self.corpus[start : end + 1 if end > 0 else start + wanted].strip()
