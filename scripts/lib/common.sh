# Shared by scripts/uhv, scripts/test and scripts/bench: find the repo, make sure the machine has
# what uhv needs (Debian packages), and build when nothing is built yet or sources changed.

UHV_ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
UHV_JAR="$UHV_ROOT/hypervisor-core/target/uhv.jar"

# command-or-file -> Debian package that provides it
uhv_missing_packages() {
    local missing=()
    command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])' \
        || missing+=(openjdk-17-jdk-headless)
    command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
    command -v gcc >/dev/null 2>&1 || missing+=(gcc)
    command -v make >/dev/null 2>&1 || missing+=(make)
    { command -v as && command -v ld && command -v objcopy; } >/dev/null 2>&1 || missing+=(binutils)
    [ -f /usr/include/Zydis/Zydis.h ] || missing+=(libzydis-dev)
    [ -f /usr/lib/x86_64-linux-gnu/libc.a ] || missing+=(libc6-dev)
    command -v gdb >/dev/null 2>&1 || missing+=(gdb) # the gdb stub's tests drive the real gdb
    printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' '
}

# Installs what is missing through apt when root; otherwise prints the exact command and exits 2.
uhv_ensure_deps() {
    if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
        echo "uhv: needs Linux on x86-64 (this is $(uname -s) $(uname -m))" >&2
        exit 2
    fi
    local missing
    missing=$(uhv_missing_packages)
    [ -z "${missing// /}" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "uhv: installing $missing" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2 && apt-get install -y -qq $missing >&2 || {
            echo "uhv: apt-get install failed; run: apt-get update && apt-get install -y $missing" >&2
            exit 2
        }
        missing=$(uhv_missing_packages)
        [ -z "${missing// /}" ] && return 0
    fi
    echo "uhv: missing packages; run: sudo apt-get update && sudo apt-get install -y $missing" >&2
    exit 2
}

# Builds the jar (native code, guests, Java) when there is none or any source is newer.
uhv_build_if_needed() {
    if [ -f "$UHV_JAR" ] && [ -z "$(find "$UHV_ROOT"/pom.xml "$UHV_ROOT"/*/pom.xml "$UHV_ROOT"/*/src \
            -newer "$UHV_JAR" -type f -print -quit 2>/dev/null)" ]; then
        return 0
    fi
    echo "uhv: building (mvn package)..." >&2
    # Maven's quiet mode still prints bare colour resets; strip escape sequences from what it says.
    (set -o pipefail; cd "$UHV_ROOT" && mvn -q -B -ntp -Dstyle.color=never -DskipTests package 2>&1 \
        | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d') >&2 || {
        echo "uhv: the build failed (see above)" >&2
        exit 2
    }
}

# The JVM options uhv runs with: one GC thread pool, no extra threads competing with the pinned vCPU.
UHV_JAVA_OPTS=${UHV_JAVA_OPTS:--XX:+UseSerialGC}
