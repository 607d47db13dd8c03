# An older revision's build, for benchmarks that measure this tree against it in one run.
# Source it from the repository's root; it defines one function and sets nothing else:
#   bench_baseline_build REVISION TARGET   builds TARGET of REVISION's release, once, in
#                                          build/baseline-REVISION (from `git archive`, kept
#                                          for later runs); prints that build's directory
bench_baseline_build() {
  local revision=$1 target=$2
  local dir=$PWD/build/baseline-$revision
  if [ ! -x "$dir/build/release/bench/$target" ]; then
    echo "building the baseline $revision (once)" >&2
    mkdir -p "$dir"
    git archive "$revision" | tar -x -C "$dir"
    (cd "$dir" && cmake --preset release >/dev/null &&
       cmake --build --preset release --target "$target" >/dev/null)
  fi
  echo "$dir/build/release"
}
