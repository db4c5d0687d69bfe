from django.http import HttpResponse


def my_entities(request, **kw):
    return HttpResponse('todo')


def visit_new(request, **kw):
    return HttpResponse('todo')


def visit_list(request, **kw):
    return HttpResponse('todo')


def visit_detail(request, **kw):
    return HttpResponse('todo')


def problem_list(request, **kw):
    return HttpResponse('todo')


def problem_export(request, **kw):
    return HttpResponse('todo')


def problem_detail(request, **kw):
    return HttpResponse('todo')


def problem_evidence(request, **kw):
    return HttpResponse('todo')


def problem_close(request, **kw):
    return HttpResponse('todo')


def problem_return(request, **kw):
    return HttpResponse('todo')


def coverage(request, **kw):
    return HttpResponse('todo')


def checklist_list(request, **kw):
    return HttpResponse('todo')


def checklist_detail(request, **kw):
    return HttpResponse('todo')


def attachment(request, **kw):
    return HttpResponse('todo')

