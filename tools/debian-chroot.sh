# Functions for tools/check-debian and tools/check-debian-arm64 (source it, don't run it):
# a Debian chroot made once with debootstrap, /proc, /sys and /dev bound inside it while a
# check runs (MediaPipe counts CPUs through them), and a copy of this repository inside it.
# Needs root and debootstrap (apt-get install debootstrap); for another architecture also
# qemu-user-static and binfmt-support.

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages every check needs: Python with venv, certificates, and the system
# libraries the wheels load but do not bring (OpenCV's libGL and GLib, MediaPipe's EGL and
# GLES, which a desktop system has and a minimal one lacks).
chroot_packages() {
    local suite="$1"
    local glib=libglib2.0-0t64
    [ "$suite" = bookworm ] && glib=libglib2.0-0
    echo "python3,python3-venv,ca-certificates,libgl1,libegl1,libgles2,$glib"
}

# chroot_make ROOT SUITE ARCH: debootstrap into ROOT unless a finished chroot is there.
chroot_make() {
    local root="$1" suite="$2" arch="$3"
    [ -e "$root/.machine-eyes-chroot-ready" ] && return 0
    if [ -e "$root" ]; then
        echo "== $root: an unfinished chroot; removing it"
        chroot_unmount "$root"
        rm -rf --one-file-system "$root"
    fi
    mkdir -p "$root"
    if [ "$arch" = "$(dpkg --print-architecture)" ]; then
        echo "== debootstrap $suite $arch into $root"
        debootstrap --variant=minbase --include="$(chroot_packages "$suite")" "$suite" "$root"
    else
        # Foreign: unpack here, then run the second stage inside under qemu-user-static.
        echo "== debootstrap --foreign $suite $arch into $root (the second stage runs under qemu, slowly)"
        [ -e /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
        update-binfmts --enable "qemu-$(chroot_qemu_arch "$arch")" >/dev/null 2>&1 || true
        debootstrap --variant=minbase --foreign --arch="$arch" --include="$(chroot_packages "$suite")" \
            "$suite" "$root"
        cp "/usr/bin/qemu-$(chroot_qemu_arch "$arch")-static" "$root/usr/bin/"
        chroot "$root" /debootstrap/debootstrap --second-stage
    fi
    touch "$root/.machine-eyes-chroot-ready"
}

# chroot_ensure_packages ROOT PACKAGE...: installs those of them the chroot lacks
# (after chroot_mount), so an older chroot gets what a newer check needs. A mirror that is a
# dated snapshot serves a Release file past its Valid-Until; a throwaway test chroot takes it.
chroot_ensure_packages() {
    local root="$1"
    shift
    chroot "$root" dpkg -s "$@" >/dev/null 2>&1 && return 0
    echo "== installing into the chroot: $*"
    chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin DEBIAN_FRONTEND=noninteractive \
        sh -c "apt-get update -qq -o Acquire::Check-Valid-Until=false && apt-get install -y -qq --no-install-recommends $*" >/dev/null
}

chroot_qemu_arch() {
    case "$1" in arm64) echo aarch64 ;; armhf) echo arm ;; *) echo "$1" ;; esac
}

# chroot_mount ROOT: bind /proc, /sys and /dev inside ROOT; the caller traps chroot_unmount.
chroot_mount() {
    local root="$1" dir
    # The chroot's / a mount point of its own, so that `unshare --mount` works inside it.
    mountpoint -q "$root" || mount --bind "$root" "$root"
    for dir in proc sys dev; do
        mountpoint -q "$root/$dir" && continue
        mount --rbind "/$dir" "$root/$dir"
        mount --make-rslave "$root/$dir"
    done
    # DNS, and the host's own certificate authorities (a network behind a TLS-inspecting proxy).
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
        chroot "$root" update-ca-certificates >/dev/null 2>&1 || true
    fi
}

chroot_unmount() {
    local root="$1" dir
    for dir in dev sys proc; do
        if mountpoint -q "$root/$dir"; then
            umount -R "$root/$dir" 2>/dev/null || umount -R -l "$root/$dir"
        fi
    done
    if mountpoint -q "$root"; then umount "$root" 2>/dev/null || umount -l "$root"; fi
}

# chroot_copy_repo ROOT: this repository's files (as they are, uncommitted changes too)
# to ROOT/machine-eyes, replacing an earlier copy.
chroot_copy_repo() {
    local root="$1"
    rm -rf "$root/machine-eyes"
    mkdir -p "$root/machine-eyes"
    tar -C "$repo" --exclude=./.git --exclude=./.venv --exclude='*.egg-info' --exclude=__pycache__ \
        --exclude=.pytest_cache -cf - . | tar -C "$root/machine-eyes" -xf -
}

# chroot_run ROOT SCRIPT: runs SCRIPT with bash inside the chroot, in /machine-eyes, with a
# clean environment and no display.
chroot_run() {
    local root="$1" script="$2"
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
        LANG=C.UTF-8 SDL_VIDEODRIVER=dummy PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
        PIP_DISABLE_PIP_VERSION_CHECK=1 /bin/bash -euo pipefail -c "cd /machine-eyes; $script"
}
