# Options for `cmake --graphviz`, copied into the build tree by packaging/library_graph.sh: the graph
# shows Tandem's own targets only (no Qt, OpenCV or system libraries, no tests, benchmarks or the
# layer checks), so the layering stays readable.
set(GRAPHVIZ_GRAPH_NAME "Tandem libraries")
set(GRAPHVIZ_EXTERNAL_LIBS FALSE)
set(GRAPHVIZ_GENERATE_PER_TARGET FALSE)
set(GRAPHVIZ_GENERATE_DEPENDERS FALSE)
set(GRAPHVIZ_CUSTOM_TARGETS FALSE)
set(GRAPHVIZ_IGNORE_TARGETS
  "^tst_" "^bench-" "_layer_check$" "^tandem_warnings$" "^tandem_test_support$" "^tandem_agent_test_support$" "^tandem_core$"
  "^record-batches$" "^gpu_check" "^tandem_fashion_mnist$" "^tandem_agent_cuda_check$" "^tandem_agent_torch$")
