"""Holding the door of the residents' forms against spam and floods, without
a third-party captcha, tracking, or a puzzle for people using screen readers.

- A proof of work (ALTCHA, verified here with the ``altcha`` package): the
  resident's browser spends a second or so hashing before sending, which
  costs a flood of thousands of posts hours. Each solved challenge is taken
  once. A form sent without JavaScript has none: it is stored but held for
  a closer look, under lower caps of its own (per address and per ward).
- A form token: signed when the form is drawn, taken once, and too fresh a
  token (a form sent within seconds of being drawn) is a script's. It is
  also the submission's own key: a double click stores one item.
- A honeypot field people never see nor fill.
- Limits per address and per ward (and, for status look-ups, per contact
  looked up), shared through Redis (fixed windows of an
  hour), each process's own without Redis, and resting open when Redis is
  down: an outage of Redis never stops a resident.
"""

import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass

import altcha
import redis
from django.conf import settings
from django.core import signing
from django.core.cache import cache

import clientip
import redisclient

logger = logging.getLogger(__name__)

# The field bots fill and people never see (the form hides it, and tells
# screen readers to leave it empty).
HONEYPOT = "trang_web"
TOKEN = "ma_bieu_mau"
WORK = "altcha"

# A challenge is valid this long after it is handed out: the widget solves
# it as the page opens, and writing a long question takes a while.
CHALLENGE_SECONDS = 3 * 60 * 60
# A form drawn more than a day ago is drawn again (its typed text kept).
TOKEN_MAX_AGE = 24 * 60 * 60
# Nobody fills the form in less than this.
TOKEN_MIN_AGE = 3
WINDOW = 60 * 60


def _signer(ward) -> signing.TimestampSigner:
    """Each ward's forms signed apart: a token drawn on one ward's site is
    no good on another's."""
    return signing.TimestampSigner(salt=f"questions.form-token.{ward.pk}")


def _secret() -> str:
    return hashlib.sha256(f"altcha:{settings.SECRET_KEY}".encode()).hexdigest()


# --- Proof of work -----------------------------------------------------------


def new_challenge() -> dict:
    """A challenge for the widget, signed with our secret."""
    challenge = altcha.create_challenge(
        "SHA-256",
        1,
        key_prefix=settings.QUESTIONS_WORK_PREFIX,
        expires_at=int(time.time()) + CHALLENGE_SECONDS,
        hmac_secret=_secret(),
    )
    return challenge.to_dict()


def work_done(payload: str) -> bool:
    """Whether the payload is a solution of a challenge of ours, in time,
    never used before. The signature is checked before any hashing, so a
    forged payload costs one HMAC."""
    if not payload or len(payload) > 4000:
        return False
    try:
        solution = altcha.Payload.from_base64(payload)
        result = altcha.verify_solution(solution, _secret())
    except Exception:  # A payload crafted to break the parser.
        return False
    if not result.verified:
        return False
    # "Used" is remembered by the challenge (its signature, which the check
    # above compared exactly), never by the payload's bytes: the same
    # solution with its JSON spaced or ordered otherwise is the same work.
    signed = solution.challenge.signature.encode()
    return _first_use(f"wn:q:work:{hashlib.sha256(signed).hexdigest()}")


def _first_use(key: str) -> bool:
    """Marks the key used; False if it was. Without the cache (down), a
    solution may be used again within its hours: the limits still hold."""
    try:
        return bool(cache.add(key, 1, CHALLENGE_SECONDS + 60))
    except Exception as error:
        logger.warning("Could not mark a form solution used: %s", error)
        return True


# --- What the words say ------------------------------------------------------

_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
MAX_LINKS = 2


def looks_like_spam(fields) -> str:
    """Why an item that passed the door still wants a look before anyone
    works on it ("" if nothing): residents rarely send links, spam always."""
    text = " ".join(str(fields.get(name, "")) for name in ("title", "body", "place"))
    if len(_LINK.findall(text)) > MAX_LINKS:
        return "Nhiều đường link trong nội dung"
    return ""


# --- Form tokens ------------------------------------------------------------


def new_token(ward) -> str:
    return _signer(ward).sign(secrets.token_urlsafe(18))


@dataclass(frozen=True)
class TokenCheck:
    ok: bool
    key: str = ""  # The token's random part: the submission's submit_token.
    message: str = ""


def check_token(token: str, ward) -> TokenCheck:
    """Whether the form was drawn by us, within a day, and not seconds ago."""
    if not token or len(token) > 200:
        return TokenCheck(False, message=EXPIRED)
    try:
        key = _signer(ward).unsign(token, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # Expired too.
        return TokenCheck(False, message=EXPIRED)
    drawn = signing.b62_decode(token.rsplit(":", 2)[1])
    if time.time() - drawn < TOKEN_MIN_AGE:
        return TokenCheck(False, key=key, message=TOO_FAST)
    return TokenCheck(True, key=key)


EXPIRED = (
    "Biểu mẫu đã quá hạn hoặc không hợp lệ. Nội dung bạn nhập vẫn được giữ "
    "nguyên: xin bấm gửi lại."
)
TOO_FAST = "Biểu mẫu được gửi quá nhanh. Xin kiểm tra lại nội dung rồi bấm gửi."


# --- Limits -----------------------------------------------------------------


class _Windows:
    """Counts per key and hour in this process's memory, without Redis."""

    MAX_KEYS = 10_000

    def __init__(self):
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, amount: int) -> int:
        with self._lock:
            if len(self._counts) >= self.MAX_KEYS:
                self._counts.clear()
            self._counts[key] = self._counts.get(key, 0) + amount
            return self._counts[key]

    def clear(self):
        with self._lock:
            self._counts.clear()


_local = _Windows()


def clear_local():
    """Forget this process's counts (tests)."""
    _local.clear()


def _count(name: str, who: str, amount: int = 1) -> int:
    """The hour's count for ``who`` after adding ``amount``; 0 when Redis
    is resting (nobody is refused for an outage)."""
    key = f"wn:q:{name}:{who}:{int(time.time()) // WINDOW}"
    if not redisclient.enabled():
        return _local.hit(key, amount)
    if redisclient.resting():
        return 0
    try:
        pipe = redisclient.client().pipeline()
        pipe.incrby(key, amount)
        pipe.expire(key, WINDOW + 60)
        return int(pipe.execute()[0])
    except redis.RedisError as error:
        redisclient.rest(error)
        return 0


def _over(name: str, who: str, cap: int, amount: int = 1) -> bool:
    if cap <= 0:
        return False
    return _count(name, who, amount) > cap


def address_over(request, *, held: bool) -> bool:
    """Whether this address has sent its hour's share (counting this one)."""
    who = clientip.client(request) or "unknown"
    if held and _over("held", who, settings.QUESTIONS_HELD_PER_ADDRESS_PER_HOUR):
        return True
    return _over("address", who, settings.QUESTIONS_PER_ADDRESS_PER_HOUR)


def ward_over(ward, *, held: bool) -> bool:
    """Whether the ward has received its hour's share from everyone. Held
    items (no proof of work: a browser without JavaScript, or a script that
    does no work at all) have a share of their own, lower, and never count
    against the residents who did the work: a flood that costs nothing
    cannot close the door to them."""
    if held:
        return _over(
            "ward-held", str(ward.pk), settings.QUESTIONS_HELD_PER_WARD_PER_HOUR
        )
    return _over("ward", str(ward.pk), settings.QUESTIONS_PER_WARD_PER_HOUR)


def lookups_over(request, ward, contact: str) -> bool:
    """Whether a status look-up has had its hour's share: from this address,
    for this contact (whoever knows a resident's phone may try every code
    with it, from as many addresses as they have: an IPv6 /48 is 65,536
    of them), and in the ward. ``contact`` is the phone's digits or the
    email as typed in any case; only its keyed hash reaches Redis."""
    who = clientip.client(request) or "unknown"
    if _over("lookup", who, settings.QUESTIONS_LOOKUPS_PER_ADDRESS_PER_HOUR):
        return True
    key = hmac.new(_secret().encode(), contact.encode(), hashlib.sha256).hexdigest()
    if _over("lookup-contact", key, settings.QUESTIONS_LOOKUPS_PER_CONTACT_PER_HOUR):
        return True
    return _over(
        "lookup-ward", str(ward.pk), settings.QUESTIONS_LOOKUPS_PER_WARD_PER_HOUR
    )


TOO_MANY = (
    "Bạn đã gửi nhiều lần trong một giờ qua. Nội dung bạn nhập vẫn được giữ "
    "nguyên: xin thử lại sau ít phút, hoặc liên hệ trực tiếp với phường."
)
WARD_BUSY = (
    "Phường đang nhận quá nhiều câu hỏi cùng lúc. Nội dung bạn nhập vẫn được "
    "giữ nguyên: xin thử lại sau ít phút."
)
