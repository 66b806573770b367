#!/bin/sh
# Regenerates resources/docs/library-graph.svg, the README's picture of the library layering:
# `cmake --graphviz` on a configured build tree (default build/dev), rendered with Graphviz `dot`.
#   packaging/library_graph.sh [BUILD_DIR]
# Needs dot (Debian: graphviz); a documentation tool, not a build dependency.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/dev}
[ -f "$build/CMakeCache.txt" ] || { echo "configure $build first (cmake --preset dev)" >&2; exit 1; }
command -v dot >/dev/null || { echo "dot (Graphviz) is needed to render the graph" >&2; exit 1; }
out="$build/graphviz"
mkdir -p "$out"
cp "$src/packaging/graphviz/CMakeGraphVizOptions.cmake" "$build/CMakeGraphVizOptions.cmake"
cmake -S "$src" -B "$build" --graphviz="$out/tandem.dot" >/dev/null
# tred drops the edges that others imply (session -> common when session -> dataset -> common), so
# what is left is the layering; dot draws it with the shared layer on top, the executables below.
tred "$out/tandem.dot" | dot -Grankdir=BT -Gfontname=Helvetica -Nfontname=Helvetica -Tsvg \
  -o "$src/resources/docs/library-graph.svg"
echo "wrote $src/resources/docs/library-graph.svg"
