import pytest

from safeguard.lib.upn import check_letter, make_upn, normalise_upn, upn_problem

# Valid examples, each worked by hand from the DfE rule (weights 2..13 on
# characters 2-13, sum modulo 23, over ABCDEFGHJKLMNPQRTUVWXYZ):
VALID = [
    # 8*2 + 1*4 + 2*5 + 5*10 + 1*13 = 93; 93 % 23 = 1 -> B. Also the example
    # python-stdnum's independent implementation accepts.
    "B801200005001",
    # 2*2 + 7*4 + 1*9 + 6*10 + 4*12 + 9*13 = 266; 266 % 23 = 13 -> P.
    "P207000016049",
    # Temporary UPN ending "A" (worth 0): 2*2 + 7*4 + 1*9 + 6*10 + 4*12 = 149; 149 % 23 = 11 -> M.
    "M20700001604A",
    # Temporary UPN ending "Z", worth 22 in the 23-letter alphabet:
    # 149 + 22*13 = 435; 435 % 23 = 21 -> Y.
    "Y20700001604Z",
    # All zeros: sum 0 -> A.
    "A000000000000",
]


@pytest.mark.parametrize("upn", VALID)
def test_known_valid_upns_are_accepted(upn):
    assert upn_problem(upn) is None


@pytest.mark.parametrize("upn", VALID)
def test_make_upn_reproduces_the_check_letter(upn):
    assert make_upn(upn[1:]) == upn


def test_temporary_letter_counts_by_its_place_in_the_23_letter_alphabet():
    # Valuing Z as 25 (its place in the full alphabet) would give 474 % 23 = 14 -> Q.
    assert check_letter("20700001604Z") == "Y"
    assert upn_problem("Q20700001604Z") is not None


@pytest.mark.parametrize(
    ("upn", "words"),
    [
        ("B80120000500", "13 characters; this one has 12"),
        ("B8012000050011", "13 characters; this one has 14"),
        ("", "this one has 0"),
        ("1801200005001", "a letter, 11 digits"),
        ("B80120000A001", "a letter, 11 digits"),
        ("b801200005001", "a letter, 11 digits"),
        ("B80120000500-", "a letter, 11 digits"),
        ("B80120000500\u0661", "a letter, 11 digits"),  # an Arabic-Indic one is not 0-9
        ("A801200005001", "check letter does not match"),
        ("C801200005001", "check letter does not match"),
        ("B801200005002", "check letter does not match"),
        ("N20700001604I", "cannot be I, O or S"),
        ("N20700001604O", "cannot be I, O or S"),
        ("N20700001604S", "cannot be I, O or S"),
    ],
)
def test_malformed_upns_are_refused_with_a_reason(upn, words):
    problem = upn_problem(upn)
    assert problem is not None
    assert words in problem


def test_a_trailing_newline_is_not_accepted():
    assert upn_problem("B801200005001\n") is not None


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("b801200005001", "B801200005001"),
        (" B801 2000 05001 ", "B801200005001"),
        ("B801\t200005001\n", "B801200005001"),
        ("", ""),
    ],
)
def test_normalise_upn_upper_cases_and_removes_spaces(raw, normalised):
    assert normalise_upn(raw) == normalised
