"""The use-case wizard: one form per step, steps chosen by the workload family, the document
built from the steps and handed to recommender.services.use_case_create (all or nothing)."""
import json
import secrets

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from formtools.wizard.storage.session import SessionStorage
from formtools.wizard.views import SessionWizardView

from recommender import selectors, services

from . import forms


@login_required
def wizard_start(request):
    """Each wizard gets its own id, so two open wizards in one session never mix (formtools #126)."""
    return redirect("wizard", wizard_id=secrets.token_urlsafe(6))


def prefix_for(wizard_id):
    return f"usecase_wizard_{wizard_id}"


@login_required
def wizard_edit(request, pk):
    """The wizard filled in from a stored use case, opened on Review; Compute updates that use case."""
    use_case = get_object_or_404(selectors.use_cases_for(request.user), pk=pk)
    wizard_id = secrets.token_urlsafe(6)
    storage = SessionStorage(prefix_for(wizard_id), request)
    for step, values in forms.initial_steps(use_case.document).items():
        storage.set_step_data(step, {f"{step}-{k}": v if isinstance(v, list) else [v] for k, v in values.items()})
    storage.extra_data = {"edit": use_case.pk, "reviewed": True}
    storage.current_step = "review"
    return redirect("wizard", wizard_id=wizard_id)


def chosen_workloads(storage):
    """The families picked on the first step, read from its raw stored data."""
    data = storage.get_step_data("basics")
    if not data:
        return []
    return [data.get("basics-workload"), *data.getlist("basics-also")]


def step_applies(step):
    def condition(wizard):
        return step in forms.steps_for(chosen_workloads(wizard.storage))
    return condition


class UseCaseWizard(LoginRequiredMixin, SessionWizardView):
    form_list = forms.STEPS
    condition_dict = {name: step_applies(name) for name, _ in forms.STEPS}
    template_name = "webui/wizard.html"

    def get_prefix(self, request, *args, **kwargs):
        return prefix_for(kwargs["wizard_id"])

    def editing(self):
        """The use case this wizard edits (the owner's own), or None for a new one."""
        pk = self.storage.extra_data.get("edit")
        return get_object_or_404(selectors.use_cases_for(self.request.user), pk=pk) if pk else None

    def render_next_step(self, form, **kwargs):
        """Once Review has been seen (a fix, an edit), Next goes straight back to it when all is valid."""
        if self.storage.extra_data.get("reviewed") and self.valid_forms() is not None:
            return self.render_goto_step("review")
        return super().render_next_step(form, **kwargs)

    def render_goto_step(self, goto_step, **kwargs):
        if goto_step == "review":
            self.storage.extra_data = dict(self.storage.extra_data, reviewed=True)
        return super().render_goto_step(goto_step, **kwargs)

    def get_form_list(self):
        # formtools caches the list per request; the workload may just have changed in this POST.
        self.__dict__.pop("_resolved_form_list", None)
        return super().get_form_list()

    def get(self, request, *args, **kwargs):
        """A reload shows the current step again (formtools would restart the whole wizard)."""
        step = self.storage.current_step
        if step and step in self.get_form_list():
            return self.render(self.get_form(step=step, data=self.storage.get_step_data(step)))
        return super().get(request, *args, **kwargs)

    def post(self, *args, **kwargs):
        """'Back' keeps what was typed on the current step (formtools #284 drops it)."""
        posted_step = self.request.POST.get(f"{self.prefix}-current_step")
        if posted_step is not None and posted_step not in self.get_form_list() and self.storage.current_step:
            return self.render_unknown_step(posted_step)
        goto = self.request.POST.get("wizard_goto_step")
        if goto and goto in self.get_form_list():
            form = self.get_form(data=self.request.POST)
            self.storage.set_step_data(self.steps.current, self.process_step(form))
        return super().post(*args, **kwargs)

    def render_unknown_step(self, posted_step):
        """A POST for a step this wizard does not have (tampered, or a family no longer chosen):
        formtools would make it the current step and fail on it; show the current step instead."""
        step = self.steps.current
        form = self.get_form(step=step, data=self.storage.get_step_data(step) or {})
        form.is_valid()
        form.add_error(None, f"this wizard has no step {posted_step!r} here; fill in this step and continue")
        return self.render(form)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["step_titles"] = [(name, self.form_list[name].title) for name in self.get_form_list()]
        context["editing"] = self.editing()
        if self.steps.current == "review":
            self.storage.extra_data = dict(self.storage.extra_data, reviewed=True)
            context["document_json"] = json.dumps(self.document(), indent=2)
        return context

    def valid_forms(self):
        """The stored steps that still apply, bound and validated (None if one fails)."""
        result = {}
        for step in self.get_form_list():
            if step == "review":  # nothing typed there; it is being shown right now
                continue
            form = self.get_form(step=step, data=self.storage.get_step_data(step))
            if not form.is_valid():
                return None
            result[step] = form
        return result

    def document(self):
        return forms.build_document(self.valid_forms() or {})

    def render_done(self, form, **kwargs):
        """Like formtools', but a rules error sends the user back to the step that owns the field."""
        final = {}
        for step in self.get_form_list():
            form_obj = self.get_form(step=step, data=self.storage.get_step_data(step))
            if not form_obj.is_valid():
                return self.render_revalidation_failure(step, form_obj, **kwargs)
            final[step] = form_obj
        editing = self.editing()
        try:
            if editing:
                use_case, _ = services.use_case_update(editing, forms.build_document(final))
            else:
                use_case, _ = services.use_case_create(self.request.user, forms.build_document(final))
        except services.UseCaseError as exc:
            step, form_obj = self.place_errors(final, exc.errors)
            self.storage.extra_data = dict(self.storage.extra_data, reviewed=True)
            return self.render_revalidation_failure(step, form_obj, **kwargs)
        self.storage.reset()
        return redirect(reverse("use-case", args=[use_case.pk]))

    def place_errors(self, final, errors):
        """Attach each dotted-path error to the step field it came from; return the first such step."""
        for path, messages in errors.items():
            step = next((s for s, f in final.items() if f.owns(path)), "review")
            field = final[step].field_for_path(path)
            for message in messages:
                final[step].add_error(field, message if field else f"{path}: {message}")
        order = list(final)
        first = min((s for s in final if final[s].errors), key=order.index, default="review")
        return first, final[first]
