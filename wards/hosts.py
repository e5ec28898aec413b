"""Which ward a request is for: its host name, looked up in a map that each
process keeps in memory, so finding the ward costs no query once warm.

Saving or deleting a ward or a host name drops the map in the process that
saved it (as Django's sites framework does with its Site cache), and moves
the site's page generation (pages/generations.py) in the shared cache: every
other process sees it move on its next request and reloads its map, so a
ward's new phone number is never rendered from an old map into a page kept
for everyone. REFRESH_SECONDS bounds the map's age when the shared cache is
away.
"""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port

from pages import generations

from .models import Ward, WardHost, WardLink, normalise_host

REFRESH_SECONDS = 60
_UNKNOWN = object()
# The name a default ward gets when a database has none (a fresh test
# database, say); the migration names the real one.
DEFAULT_WARD_NAME = "Phường Phúc Lợi"


@dataclass(frozen=True)
class _HostMap:
    default: Ward
    by_host: dict[str, Ward] = field(default_factory=dict)
    loaded_at: float = field(default_factory=time.monotonic)
    generation: int | None = None  # The site's page generation when loaded.


_map: _HostMap | None = None


def ward_for_host(host: str) -> Ward:
    """The ward that answers this host name; the default ward for a host no
    ward claims. Whether the host is accepted at all is ALLOWED_HOSTS' job."""
    host_map = _map
    if host_map is None or time.monotonic() - host_map.loaded_at > REFRESH_SECONDS:
        host_map = _load()
    else:
        generation = _site_generation()
        if generation is not _UNKNOWN and generation != host_map.generation:
            host_map = _load()
    return host_map.by_host.get(normalise_host(host), host_map.default)


def ward_of_option(host: str | None) -> Ward:
    """The ward a management command's --ward names by one of its host names;
    the default ward when it names none."""
    if host is None:
        return default_ward()
    ward = Ward.objects.claiming(host).first()
    if ward is None:
        raise CommandError(
            f"Không có phường nào có tên miền “{host}”. "
            "Tạo phường bằng lệnh create_ward trước."
        )
    return ward


def url_on_ward(request, ward: Ward, path: str) -> str:
    """`path` on the ward's own site, for a link from a page of any ward (the
    admin of one host linking to an article of another)."""
    if ward == getattr(request, "ward", None):
        return path
    # all(): lists prefetch the hosts of the wards of their rows.
    host = next((h.host for h in ward.hosts.all()), None)
    if host is None:  # A default ward with no host name of its own.
        return path
    port = public_port(request)
    if port and port != {"http": 80, "https": 443}.get(request.scheme):
        host = f"{host}:{port}"
    return f"{request.scheme}://{host}{path}"


def public_port(request) -> int | None:
    """The port readers reach the site at: PUBLIC_PORT when the deployment
    names it, else the one in the Host the request came with (a browser
    writes a port other than 80 or 443; nginx's "Host $host" none), never
    the app server's own (gunicorn's 8300 behind nginx's 443)."""
    if settings.PUBLIC_PORT:
        return settings.PUBLIC_PORT
    _, port = split_domain_port(request.get_host())
    return int(port) if port.isdigit() else None


def default_ward() -> Ward:
    host_map = _map or _load()
    return host_map.default


def clear(**kwargs) -> None:
    """Forget the map: the next request reads the wards again."""
    global _map
    _map = None


def _site_generation():
    """The site's page generation, which any ward's change moves; _UNKNOWN
    when the shared cache cannot be read (the map then ages out by itself)."""
    try:
        return generations.site_generation()
    except Exception:
        return _UNKNOWN


def _load() -> _HostMap:
    global _map
    # Read before the wards: a change committed meanwhile moves it again.
    generation = _site_generation()
    # The footer's links too: every page shows them, and asks no query.
    wards = list(Ward.objects.prefetch_related("hosts", "links"))
    default = next((ward for ward in wards if ward.is_default), None)
    if default is None:
        default = _make_default_ward(wards)
        generation = _site_generation()  # Moved by saving it.
    _map = _HostMap(
        default=default,
        by_host={host.host: ward for ward in wards for host in ward.hosts.all()},
        generation=generation,
    )
    return _map


def _make_default_ward(wards: list[Ward]) -> Ward:
    """Never left without a default: the oldest ward becomes it, or a new one."""
    ward = min(wards, key=lambda w: w.pk) if wards else Ward(name=DEFAULT_WARD_NAME)
    ward.is_default = True
    try:
        with transaction.atomic():
            ward.save()
    except IntegrityError:  # Another process made one first.
        return Ward.objects.get(is_default=True)
    return ward


def connect_signals() -> None:
    for model in (Ward, WardHost, WardLink):
        post_save.connect(clear, sender=model, dispatch_uid=f"wards-clear-{model}")
        post_delete.connect(clear, sender=model, dispatch_uid=f"wards-del-{model}")
