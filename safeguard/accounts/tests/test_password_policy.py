import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


def reasons(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def problems(password, user=None):
    return " ".join(reasons(password, user))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!xyz", "at least 8 characters"),
        ("alllowercase1!", "an upper-case letter"),
        ("ALLUPPERCASE1!", "a lower-case letter"),
        ("NoDigitsHere!", "a digit"),
        ("NoSymbols123abc", "a symbol"),
        ("Password1!", "too common"),
        ("Safeguard2026!", "name of this service (safeguard)"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, message):
    assert message in problems(password)


def test_school_policy_password_is_accepted():
    assert problems("Tuesday-Kettle-42") == ""


@pytest.mark.parametrize("length", [64, 128, 256])
def test_long_passphrases_are_accepted(length):
    phrase = ("Correct horse battery staple 9! " * 20)[:length]
    assert problems(phrase) == ""


def test_absurdly_long_passwords_are_refused():
    assert "at most 512" in problems("Aa1!" * 200)


def test_password_close_to_the_persons_school_name_is_refused(teacher):
    assert "your school" in problems("Larkspur2026!", teacher)


def test_a_common_password_is_first_called_too_common_then_told_what_it_lacks():
    given = reasons("password1")
    assert "too common" in given[0]
    assert "an upper-case letter" in given[1] and "a symbol" in given[1]
    assert not any("name of this service" in reason for reason in given)


def test_a_password_built_on_a_guessable_word_is_told_which_word():
    assert 'built on the word "password"' in problems("Password#42")
