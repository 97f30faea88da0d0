"""mkdocs hook (mkdocs.yml `hooks:`): each notebook under docs/ becomes a page of the site, from the
outputs it keeps (gcsh.tools.notebook_publish.markdown); the notebook itself is published beside it."""

from __future__ import annotations


def on_files(files, config):
    import nbformat
    from mkdocs.structure.files import File

    from gcsh.tools.notebook_publish import markdown

    for notebook in [f for f in files if f.src_uri.endswith(".ipynb")]:
        page = File.generated(config, notebook.src_uri[:-len(".ipynb")] + ".md",
                              content=markdown(nbformat.read(notebook.abs_src_path, as_version=4)))
        files.append(page)
    return files
