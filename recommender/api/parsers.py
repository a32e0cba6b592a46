"""Request parsers: DRF's JSON parser, but a body nested deeper than Python's recursion limit
(`[[[[...]]]]` a few thousand levels deep) is a 400 parse error instead of a RecursionError (500)."""
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
