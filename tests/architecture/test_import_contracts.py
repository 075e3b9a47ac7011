"""The apps' import layers (``[tool.importlinter]`` in pyproject.toml): no app imports one above
it, so there is no import circle between apps."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_apps_import_only_from_the_layers_below_them(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    exit_code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert exit_code == 0, capsys.readouterr().out
