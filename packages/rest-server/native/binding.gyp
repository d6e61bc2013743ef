{
  "targets": [
    {
      "target_name": "small_commit",
      "sources": ["small-commit.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
