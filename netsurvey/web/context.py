"""What every handler reaches through the app: the config, the open visit, the
survey runner, the event broker and the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jinja2
from aiohttp import web

from netsurvey.web.config import FieldConfig
from netsurvey.web.events import Broker
from netsurvey.web.survey import SurveyRunner
from netsurvey.web.visit import FieldVisit

CLASS_TEST_PAGE = "class_test_page"  # cache key: the technician's class-test page, once mounted


@dataclass
class FieldContext:
    config: FieldConfig
    visit: FieldVisit
    broker: Broker
    survey: SurveyRunner
    templates: jinja2.Environment
    lan_url: str | None = None  # shown as a QR code in the page with --lan
    wifi_unavailable: str | None = None  # why live scanning cannot work here
    cache: dict[str, Any] = field(default_factory=dict)  # derived views keyed by version

    def render(self, name: str, **values: Any) -> str:
        template = self.templates.get_template(name)
        return template.render(
            csrf=self.config.csrf_token,
            school=self.visit.school,
            visit_id=self.visit.directory.name,
            class_test_path=self.cache.get(CLASS_TEST_PAGE),
            **values,
        )

    def page(self, name: str, **values: Any) -> web.Response:
        return web.Response(text=self.render(name, **values), content_type="text/html")


CONTEXT = web.AppKey("netsurvey_field", FieldContext)


def context_of(request: web.Request) -> FieldContext:
    return request.config_dict[CONTEXT]
