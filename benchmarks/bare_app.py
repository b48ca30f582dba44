"""The baseline for benchmarks/intake_load.py: a Flask endpoint that answers "success" and nothing else."""
from flask import Flask

app = Flask(__name__)


@app.post("/wechat")
def wechat():
    return "success"


@app.get("/healthz")
def healthz():
    return "ok"
