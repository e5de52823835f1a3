"""Small request helpers shared by the views."""

from django.http import HttpRequest, QueryDict


def submitted(request: HttpRequest) -> QueryDict | None:
    """The posted data for a form, or None on GET.

    `request.POST or None` would treat an empty POST as a GET, so an empty submission would not
    be validated (and would not answer 422 with its errors).
    """
    return request.POST if request.method == "POST" else None
