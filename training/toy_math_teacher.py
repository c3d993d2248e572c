"""A stand-in teacher for the toy arithmetic domain: an OpenAI-compatible chat server that annotates as a strong
model would, so that the `dataset` command can be tried end to end on a machine with no model server.

    /usr/bin/python3 training/toy_math_teacher.py --port 8199 --model toy-math-teacher
    java -jar topology/target/stream-aligner.jar dataset --questions ops/eval/toy-math-200.jsonl \
        --teacher-url http://127.0.0.1:8199/v1 --teacher-model toy-math-teacher --out tuples.jsonl

It reads the labelled fields of the dataset command's teacher prompt (##Question:, ##Answer_Prefix:,
##Answer_Last_Sentence:) and answers, in the format the prompt asks for, the domain's correct next sentence after the
(already corrected) prefix: CORRECTION: [[First, 8 + 40 = 48.]] and EOS: [[TRUE]] once that sentence is
"The answer is N.". It serves GET /v1/models and POST /v1/chat/completions, streaming (SSE, with a usage chunk when
asked) or not. Standard library only; it binds to 127.0.0.1.
"""
import argparse
import json
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from domain import Question, correct_sentences  # noqa: E402

QUESTION = re.compile(r"What is (-?\d+(?: [+-] \d+)+)\?")
FIELDS = re.compile(r"##Question: (.*)\n##Answer_Prefix: (.*)\n##Answer_Last_Sentence: (.*)")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def parse_question(text: str) -> Question:
    match = QUESTION.search(text)
    if not match:
        raise ValueError(f"not a toy-math question: {text!r}")
    tokens = match.group(1).split(" ")
    return Question([int(t) for t in tokens[0::2]], tokens[1::2])


def annotate(prompt: str) -> str:
    """The teacher's answer to one prompt: the correct sentence at the prefix's position, and whether it ends."""
    fields = FIELDS.findall(prompt)
    if not fields:
        return "I cannot find the ##Question:, ##Answer_Prefix: and ##Answer_Last_Sentence: fields."
    question, prefix, _last = fields[-1]
    correct = correct_sentences(parse_question(question))
    done = len(SENTENCE_END.split(prefix.strip())) if prefix.strip() else 0
    index = min(done, len(correct) - 1)
    eos = "TRUE" if index == len(correct) - 1 else "FALSE"
    return f"CORRECTION: [[{correct[index]}]]\nEOS: [[{eos}]]"


class Handler(BaseHTTPRequestHandler):
    model = "toy-math-teacher"

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            self.send_json(200, {"object": "list", "data": [{"id": self.model, "object": "model"}]})
        else:
            self.send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self):
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self.send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        try:
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            user = [m["content"] for m in request["messages"] if m.get("role") == "user"][-1]
            answer = annotate(user)
        except (ValueError, KeyError, IndexError, TypeError) as bad:
            self.send_json(400, {"error": {"message": f"bad request: {bad}", "type": "invalid_request_error"}})
            return
        usage = {"prompt_tokens": len(user.split()), "completion_tokens": len(answer.split()),
                 "total_tokens": len(user.split()) + len(answer.split())}
        if not request.get("stream"):
            self.send_json(200, {"object": "chat.completion", "model": self.model, "usage": usage, "choices": [
                {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer}}]})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        third = max(1, len(answer) // 3)
        for piece in (answer[:third], answer[third:2 * third], answer[2 * third:]):
            self.event({"object": "chat.completion.chunk", "model": self.model,
                        "choices": [{"index": 0, "finish_reason": None, "delta": {"content": piece}}]})
        self.event({"object": "chat.completion.chunk", "model": self.model,
                    "choices": [{"index": 0, "finish_reason": "stop", "delta": {}}]})
        if (request.get("stream_options") or {}).get("include_usage"):
            self.event({"object": "chat.completion.chunk", "model": self.model, "choices": [], "usage": usage})
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True

    def event(self, chunk: dict):
        self.wfile.write(b"data: " + json.dumps(chunk).encode("utf-8") + b"\n\n")
        self.wfile.flush()

    def send_json(self, status: int, body: dict):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        pass  # one line per request would drown the dataset command's progress


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=8199)
    ap.add_argument("--model", default=Handler.model, help="the model name /v1/models lists")
    args = ap.parse_args()
    Handler.model = args.model
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"toy-math teacher {args.model} on http://127.0.0.1:{server.server_port}/v1", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
