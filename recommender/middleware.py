"""Site-wide HTTP guards: a Content-Security-Policy on every response, JSON (never an HTML page)
for every error under /api/v1/ (Django's own 404, 400 and oversized bodies too), and a limit on
failed logins per client address and per user name."""
from http import HTTPStatus

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse, JsonResponse

API_PREFIX = "/api/v1/"


def _reason(status):
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "error"


class ContentSecurityPolicyMiddleware:
    """Sets settings.CONTENT_SECURITY_POLICY; the Redoc page (inline start-up script) gets its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = settings.CONTENT_SECURITY_POLICY
            if request.path.startswith("/api/redoc/"):
                policy = settings.CONTENT_SECURITY_POLICY_DOCS
            response["Content-Security-Policy"] = policy
        return response


class JSONErrorsMiddleware:
    """Under /api/v1/: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413 JSON; any HTML error is JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = response.status_code
        json_response = JsonResponse({"detail": _reason(status)}, status=status)
        for header in ("Retry-After", "Allow", "WWW-Authenticate"):
            if header in response:
                json_response[header] = response[header]
        return json_response

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return JsonResponse({"detail": f"request body larger than {limit} bytes"}, status=413)
        if isinstance(exception, TooManyFieldsSent):
            return JsonResponse({"detail": "too many form fields"}, status=400)
        return None


def _client_address(request):
    return request.META.get("REMOTE_ADDR") or "unknown"


def _failure_keys(request, username):
    keys = [f"login-failures:addr:{_client_address(request)}"]
    if username:
        keys.append(f"login-failures:user:{str(username)[:150].lower()}")
    return keys


def _count_failure(sender, credentials=None, request=None, **kwargs):
    """user_login_failed: one more failure for the client address and for the user name."""
    if request is None:
        return
    from django.core.cache import cache

    window = settings.LOGIN_FAILURE_WINDOW_S
    try:
        for key in _failure_keys(request, (credentials or {}).get("username")):
            cache.add(key, 0, timeout=window)
            cache.incr(key)
    except Exception:  # a cache outage must not turn a wrong password into a 500
        pass


user_login_failed.connect(_count_failure, dispatch_uid="advisor-login-failures")


class LoginThrottleMiddleware:
    """A login POST after LOGIN_FAILURE_LIMIT failures in the window is 429 with Retry-After."""

    LOGIN_PATHS = ("/login/", "/admin/login/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in self.LOGIN_PATHS and self.blocked(request):
            window = settings.LOGIN_FAILURE_WINDOW_S
            response = HttpResponse(
                f"Too many failed logins; try again in {window} s.\n", status=429,
                content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(window)
            return response
        return self.get_response(request)

    def blocked(self, request):
        from django.core.cache import cache

        keys = _failure_keys(request, request.POST.get("username"))
        try:
            counts = cache.get_many(keys)
        except Exception:
            return False
        return any(count >= settings.LOGIN_FAILURE_LIMIT for count in counts.values())
