"""The Jinja2 environment: our templates first, then the NHS design-system macros."""

from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from ipt.core.navigation import navigation_for
from ipt.nhsuk_forms.fields import component_for, error_summary_items


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def static_folder(path: str) -> str:
    """The URL of a static folder, unhashed: the design system's template appends file names to
    it (favicons, the web manifest), and a hashing storage has no entry for a folder."""
    return f"{settings.STATIC_URL}{path.strip('/')}"


def environment(**options) -> Environment:
    options["loader"] = ChoiceLoader([options["loader"], PackageLoader("nhsuk_frontend_jinja")])
    options["undefined"] = ChainableUndefined
    options.setdefault("autoescape", True)
    env = Environment(**options)  # noqa: S701 (autoescape is on)
    env.globals.update(
        {
            "url": url,
            "static": static,
            "static_folder": static_folder,
            "get_messages": messages.get_messages,
            "navigation_for": navigation_for,
            "nhsuk_component": component_for,
            "error_summary_items": error_summary_items,
        }
    )
    return env
