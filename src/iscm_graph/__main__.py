from iscm_graph.cli import main

main()
