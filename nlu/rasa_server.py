"""Set up, train and serve the Rasa backend.

Rasa 3.6 needs Python 3.8-3.10 and pins libraries the service cannot share, so it lives in its own
virtual environment, cached outside the repository (~/.cache/wuye/rasa-3.6.21), and is reached only
over HTTP. `wuye nlu rasa serve` runs all three steps; each step is skipped when already done.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import httpx

from .training_data import TRAIN_FILE, fingerprint

RASA_VERSION = "3.6.21"
RASA_CONFIG = Path(__file__).parent / "rasa" / "config.yml"
# Extra packages Rasa's pipeline needs (JiebaTokenizer imports jieba).
RASA_EXTRAS = ["jieba==0.42.1"]


def venv_dir() -> Path:
    """Where the Rasa virtual environment is cached."""
    base = os.environ.get("WUYE_RASA_VENV")
    if base:
        return Path(base)
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "wuye" / f"rasa-{RASA_VERSION}"


def find_python310() -> str | None:
    """A Python 3.10 interpreter: $WUYE_RASA_PYTHON, python3.10 on PATH, or a pyenv install."""
    candidates = [os.environ.get("WUYE_RASA_PYTHON"), shutil.which("python3.10")]
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/3.10*/bin/python3.10"), reverse=True)
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK) and _runs_310(candidate):
            return candidate
    return None


def _runs_310(python: str) -> bool:
    # A pyenv shim is on PATH even when its version is not selected, and then exits with 127.
    try:
        result = subprocess.run([python, "-c", "import sys; print(sys.version_info[:2] == (3, 10))"],
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and result.stdout.strip() == "True"


def rasa_executable() -> Path:
    """The `rasa` command inside the cached environment."""
    return venv_dir() / "bin" / "rasa"


def ensure_venv(echo: Callable[[str], None] = print) -> Path:
    """Create the environment and install Rasa into it unless that was done before."""
    venv = venv_dir()
    marker = venv / ".wuye-installed"
    if marker.is_file() and rasa_executable().is_file():
        return venv
    python = find_python310()
    if python is None:
        raise RuntimeError("Rasa needs Python 3.10: none found (set WUYE_RASA_PYTHON or install it with pyenv)")
    echo(f"setting up Rasa {RASA_VERSION} in {venv} with {python} (about 2 minutes, once)")
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["--upgrade", "pip"], check=True)
    subprocess.run(pip + [f"rasa=={RASA_VERSION}", *RASA_EXTRAS], check=True)
    marker.write_text(RASA_VERSION)
    return venv


def model_name(train_file: Path = TRAIN_FILE) -> str:
    """Model file name keyed by the data, the pipeline and the Rasa version."""
    return f"nlu-{fingerprint(train_file, RASA_CONFIG, RASA_VERSION)}"


def models_dir() -> Path:
    """Trained Rasa models, kept beside the environment so a fresh clone reuses them (keyed by hash)."""
    return venv_dir().parent / "rasa-models"


def train(train_file: Path = TRAIN_FILE, echo: Callable[[str], None] = print, force: bool = False) -> Path:
    """Train the Rasa NLU model from nlu.yml unless a model for the same data exists."""
    out = models_dir()
    name = model_name(train_file)
    model = out / f"{name}.tar.gz"
    if model.is_file() and not force:
        return model
    ensure_venv(echo)
    out.mkdir(parents=True, exist_ok=True)
    echo(f"training Rasa from {train_file} (about two minutes)")
    started = time.monotonic()
    subprocess.run([str(rasa_executable()), "train", "nlu", "--config", str(RASA_CONFIG), "--nlu", str(train_file),
                    "--out", str(out), "--fixed-model-name", name], check=True, cwd=out,
                   env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, stdout=sys.stderr)
    echo(f"trained {model.name} in {time.monotonic() - started:.0f} s")
    return model


def start(model: Path, port: int = 5005, token: str = "", log_file: Path | None = None) -> subprocess.Popen:
    """Start `rasa run --enable-api` on 127.0.0.1 in the background; see wait_ready()."""
    command = [str(rasa_executable()), "run", "--enable-api", "--model", str(model), "--interface", "127.0.0.1",
               "--port", str(port)]
    if token:
        command += ["--auth-token", token]
    output = open(log_file, "ab") if log_file else subprocess.DEVNULL
    return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=model.parent,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, start_new_session=True)


def wait_ready(url: str, token: str = "", timeout: float = 180.0, process: subprocess.Popen | None = None) -> None:
    """Wait until the server answers a parse; raises RuntimeError on timeout or exit."""
    deadline = time.monotonic() + timeout
    params = {"token": token} if token else {}
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the Rasa server exited with code {process.returncode}")
        try:
            if httpx.post(f"{url}/model/parse", params=params, json={"text": "你好"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the Rasa server at {url} was not ready after {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Stop a server started by start()."""
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
