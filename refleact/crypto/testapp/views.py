"""Test-only views: an upload through SealingUploadHandler and a streamed download.

No access checks: these exist only under the test settings, to drive the upload
handler and file_response the way a real view does.
"""

from django import forms
from django.http import HttpResponseNotAllowed, JsonResponse

from refleact.crypto.files import file_response
from refleact.crypto.testapp.models import Note, Person


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["title", "attachment"]


def note_upload(request, person_pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    person = Person.objects.get(pk=person_pk)
    form = NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    note = form.save(commit=False)
    note.person = person
    note.holder_id = person.holder_id
    note.save()
    kind = type(request.FILES.get("attachment")).__name__
    return JsonResponse({"note": str(note.pk), "upload": kind})


def note_download(request, note_pk):
    note = Note.objects.get(pk=note_pk)
    return file_response(note.attachment)
