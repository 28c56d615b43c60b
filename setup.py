"""What pyproject.toml cannot say: the top-level ``scenarios/`` and ``calibration/`` folders are package data.

They stay where planners and engineers look for them, and are installed as the packages
``simulate.shipped.scenarios`` and ``simulate.shipped.calibration`` (every file in every sub-folder),
so ``pip install .`` and ``pip install -e .`` both read them through :mod:`simulate.shipped`.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

SHIPPED = {"simulate.shipped.scenarios": "scenarios", "simulate.shipped.calibration": "calibration"}
"""Installed package name → folder of the repository."""


def shipped_packages() -> list[str]:
    """Each shipped folder and its sub-folders, as package names (so their files install as package data)."""
    names = []
    for package, folder in SHIPPED.items():
        root = Path(__file__).resolve().parent / folder
        names.append(package)
        names += sorted(package + "." + ".".join(d.relative_to(root).parts) for d in root.rglob("*")
                        if d.is_dir() and "__pycache__" not in d.parts)
    return names


packages = find_namespace_packages(include=["simulate", "simulate.*"], exclude=["*.__pycache__"])
setup(
    packages=packages + shipped_packages(),
    package_dir=SHIPPED,
    package_data={"simulate": ["goals/*.yaml"], **{p: ["*"] for p in shipped_packages()}},
    exclude_package_data={p: ["*.pyc", "*.pyo"] for p in shipped_packages()},
)
