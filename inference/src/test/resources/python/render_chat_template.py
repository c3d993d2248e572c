"""Renders chat templates as transformers' apply_chat_template does, with Jinja2 itself: the reference the Java
renderer (JinjaChatTemplate) is compared with in JinjaChatTemplateReferenceTest.

Reads one JSON object from stdin:
  {"template": "...", "variables": {"bos_token": "<s>", ...},
   "conversations": [{"messages": [{"role": ..., "content": ...}], "continue_final_message": bool,
                      "kwargs": {...}}, ...]}
and writes a JSON list with, per conversation, {"prompt": "..."} or {"error": "..."}.

The environment and the cut are transformers' (utils/chat_template_utils.py): an ImmutableSandboxedEnvironment with
trim_blocks, lstrip_blocks and the loopcontrols extension; globals raise_exception and strftime_now; tojson that does
not escape HTML; messages, tools=None, documents=None, add_generation_prompt (true unless the final message is
continued) and the special tokens and keyword arguments as variables; continue_final_message cuts the rendering after
the final message's content, found last. Needs Debian's python3-jinja2; run as /usr/bin/python3.
"""
import json
import sys
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return datetime.now().strftime(format)


def compile_template(source):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env.from_string(source)


def render(template, variables, conversation):
    messages = conversation["messages"]
    continue_final = conversation.get("continue_final_message", False)
    kwargs = dict(variables)
    kwargs.update(conversation.get("kwargs", {}))
    rendered = template.render(messages=messages, tools=None, documents=None,
                               add_generation_prompt=not continue_final, **kwargs)
    if continue_final:
        final_message = messages[-1]["content"]
        if final_message.strip() not in rendered:
            raise ValueError("the final message does not appear in the rendered chat")
        final_msg_loc = rendered.rindex(final_message.strip())
        if rendered[final_msg_loc: final_msg_loc + len(final_message.lstrip())] == final_message:
            rendered = rendered[: final_msg_loc + len(final_message.lstrip())]
        else:
            rendered = rendered[: final_msg_loc + len(final_message.strip())]
    return rendered


def main():
    request = json.load(sys.stdin)
    template = compile_template(request["template"])
    results = []
    for conversation in request["conversations"]:
        try:
            results.append({"prompt": render(template, request["variables"], conversation)})
        except Exception as e:  # the template's own refusal, or a conversation it cannot continue
            results.append({"error": str(e)})
    json.dump(results, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
