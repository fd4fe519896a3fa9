"""Packages: everything under src/, plus the trained models of models/ installed as ``threadlens._models``.

(pyproject.toml holds all metadata; this file exists only because the models live outside src/.)
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages("src"), "threadlens._models"],
    package_dir={"": "src", "threadlens._models": "models"},
)
