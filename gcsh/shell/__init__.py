"""The interactive shell: prompt_toolkit over the runner, imported only on a terminal."""
