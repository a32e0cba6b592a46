"""One error shape for the API: 400 with {"field.path": ["message"]}, never a traceback."""
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

import rules


def exception_handler(exc, context):
    if isinstance(exc, rules.UseCaseError):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
