"""Pictures in the browser: the live page beside the shell (`view`) and the page that steps
through a collection (`collect --html FILE`). Both draw `HeapView`s with Graphviz as SVG; nothing
here is imported until one of them is asked for."""
