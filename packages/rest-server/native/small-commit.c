// One thread-pool job for a small upload: create the temp file, write, fsync, close, rename, fsync the directory.
// The TypeScript path needs three pool round trips for the same steps; each costs the event loop a wake-up.
// Also the listing scans (statDirs, scanDir): one call for what JS does with one fs call (and object) per entry.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#define NAPI_VERSION 8 // napi_detach_arraybuffer
#include <node_api.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_PARTS 64
#define MAX_PATH 4096

enum step { STEP_NONE, STEP_CREATE, STEP_WRITE, STEP_FSYNC, STEP_CLOSE, STEP_RENAME, STEP_DIRSYNC };
static const char *STEP_NAMES[] = {"", "create", "write", "fsync", "close", "rename", "dirsync"};

typedef struct {
  napi_async_work work;
  napi_ref parts_ref;
  napi_ref callback_ref;
  char dir[MAX_PATH], temp[MAX_PATH], final_path[MAX_PATH];
  struct iovec iov[MAX_PARTS];
  int iov_count;
  int mode;
  enum step failed_step;
  int err;
  int fsync_unsupported;
  bool release; // the parts' memory is ours alone: free it as soon as the file is committed
} job_t;

static int fsync_tolerable(int e) { return e == EINVAL || e == ENOTSUP || e == ENOTTY; }

static int write_all(int fd, job_t *j) {
  struct iovec iov[MAX_PARTS];
  memcpy(iov, j->iov, sizeof(struct iovec) * j->iov_count);
  struct iovec *cur = iov;
  int left = j->iov_count;
  while (left > 0) {
    ssize_t n = writev(fd, cur, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    while (left > 0 && (size_t)n >= cur->iov_len) {
      n -= cur->iov_len;
      cur++;
      left--;
    }
    if (left > 0) {
      cur->iov_base = (char *)cur->iov_base + n;
      cur->iov_len -= n;
    }
  }
  return 0;
}

// Records which step failed and why; returns -1 so callers can `return fail(...)`.
static int fail(job_t *j, enum step s, int e) {
  j->failed_step = s;
  j->err = e;
  return -1;
}

// A failure before the rename: the temp file goes (fd already closed), nothing is visible.
static int abandon(job_t *j, enum step s, int e) {
  unlink(j->temp);
  return fail(j, s, e);
}

static int commit_file(job_t *j) {
  int fd = open(j->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, j->mode);
  if (fd < 0) return fail(j, STEP_CREATE, errno);
  int e = write_all(fd, j);
  if (e) {
    close(fd);
    return abandon(j, STEP_WRITE, e);
  }
  if (fsync(fd) != 0) {
    if (!fsync_tolerable(errno)) {
      e = errno;
      close(fd);
      return abandon(j, STEP_FSYNC, e);
    }
    j->fsync_unsupported = 1;
  }
  if (close(fd) != 0 && errno != EINTR) return abandon(j, STEP_CLOSE, errno);
  // An object is never replaced, even by an upload that raced this one past the existence check (EEXIST → 403).
  int r = renameat2(AT_FDCWD, j->temp, AT_FDCWD, j->final_path, RENAME_NOREPLACE);
  if (r != 0 && errno == EINVAL) r = rename(j->temp, j->final_path); // a filesystem without RENAME_NOREPLACE
  if (r != 0) return abandon(j, STEP_RENAME, errno);
  // As rest-server: a directory that cannot be opened or synced for these reasons is not an error.
  int dfd = open(j->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return errno == ENOENT || errno == EINVAL || errno == ENOTSUP ? 0 : fail(j, STEP_DIRSYNC, errno);
  if (fsync(dfd) != 0 && !(errno == ENOENT || fsync_tolerable(errno))) {
    e = errno;
    close(dfd);
    return fail(j, STEP_DIRSYNC, e);
  }
  close(dfd);
  return 0;
}

// Runs on a thread-pool thread.
static void execute(napi_env env, void *data) {
  (void)env;
  commit_file(data);
}

// Detaches each element (an ArrayBuffer, or a Buffer that spans its whole ArrayBuffer), which frees its memory now
// instead of at a later GC: body buffers outlive a few scavenges while the disk syncs, get promoted, and would
// otherwise wait for a major GC (measured: 64 KiB uploads' peak RSS 130 MB, 88 MB with this).
static void detach_all(napi_env env, napi_value list) {
  uint32_t count = 0;
  if (napi_get_array_length(env, list, &count) != napi_ok) return;
  for (uint32_t i = 0; i < count; i++) {
    napi_value item, ab;
    bool is_ab = false;
    napi_get_element(env, list, i, &item);
    napi_is_arraybuffer(env, item, &is_ab);
    if (is_ab) {
      napi_detach_arraybuffer(env, item);
      continue;
    }
    napi_typedarray_type type;
    size_t length, offset, ab_length;
    void *data;
    if (napi_get_typedarray_info(env, item, &type, &length, &data, &ab, &offset) != napi_ok) continue;
    if (napi_get_arraybuffer_info(env, ab, &data, &ab_length) != napi_ok) continue;
    if (offset == 0 && length == ab_length) napi_detach_arraybuffer(env, ab);
  }
}

// release(list): frees the memory of buffers nothing else will read (see detach_all).
static napi_value release(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value list;
  napi_get_cb_info(env, info, &argc, &list, NULL, NULL);
  if (argc == 1) detach_all(env, list);
  return NULL;
}

static void complete(napi_env env, napi_status status, void *data) {
  job_t *j = data;
  napi_value cb, argv[3], global;
  napi_get_reference_value(env, j->callback_ref, &cb);
  napi_get_global(env, &global);
  if (status != napi_ok) (void)fail(j, STEP_NONE, ECANCELED);
  if (j->release && j->err == 0) {
    napi_value parts;
    napi_get_reference_value(env, j->parts_ref, &parts);
    detach_all(env, parts);
  }
  napi_create_int32(env, j->err, &argv[0]);
  napi_create_string_utf8(env, STEP_NAMES[j->failed_step], NAPI_AUTO_LENGTH, &argv[1]);
  napi_get_boolean(env, j->fsync_unsupported, &argv[2]);
  napi_delete_reference(env, j->parts_ref);
  napi_delete_reference(env, j->callback_ref);
  napi_delete_async_work(env, j->work);
  free(j);
  napi_call_function(env, global, cb, 3, argv, NULL);
}

static int copy_string(napi_env env, napi_value v, char *out) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, out, MAX_PATH, &len) != napi_ok) return 0;
  return len < MAX_PATH - 1;
}

// commit(dir, temp, final, parts: Buffer[], mode, release: boolean, callback(errno, step, fsyncUnsupported))
static napi_value commit(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 7) {
    napi_throw_type_error(env, NULL, "commit needs 7 arguments");
    return NULL;
  }
  job_t *j = calloc(1, sizeof(job_t));
  uint32_t count = 0;
  if (!j || !copy_string(env, argv[0], j->dir) || !copy_string(env, argv[1], j->temp) ||
      !copy_string(env, argv[2], j->final_path) || napi_get_array_length(env, argv[3], &count) != napi_ok ||
      count > MAX_PARTS || napi_get_value_int32(env, argv[4], &j->mode) != napi_ok ||
      napi_get_value_bool(env, argv[5], &j->release) != napi_ok) {
    free(j);
    napi_throw_type_error(env, NULL, "commit: bad arguments");
    return NULL;
  }
  for (uint32_t i = 0; i < count; i++) {
    napi_value part;
    void *base;
    size_t len;
    napi_get_element(env, argv[3], i, &part);
    if (napi_get_buffer_info(env, part, &base, &len) != napi_ok) {
      free(j);
      napi_throw_type_error(env, NULL, "commit: parts must be Buffers");
      return NULL;
    }
    j->iov[i].iov_base = base;
    j->iov[i].iov_len = len;
  }
  j->iov_count = (int)count;
  napi_value name;
  napi_create_string_utf8(env, "restora.smallCommit", NAPI_AUTO_LENGTH, &name);
  napi_create_reference(env, argv[3], 1, &j->parts_ref); // keeps the buffers alive until the job is done
  napi_create_reference(env, argv[6], 1, &j->callback_ref);
  napi_create_async_work(env, NULL, name, execute, complete, j, &j->work);
  napi_queue_async_work(env, j->work);
  return NULL;
}

// Milliseconds as Node's Stats.mtimeMs/ctimeMs compute them (so either source compares equal).
static double ms_of(struct timespec t) { return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6; }

// statDirs(paths: string[]) -> Float64Array of [ino, mtimeMs, ctimeMs] per path: one call for data/'s 256 folders
// instead of one statSync (and its Stats object) each. ino 0: missing or not a directory; -errno: other errors.
static napi_value stat_dirs(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value list;
  uint32_t count = 0;
  napi_get_cb_info(env, info, &argc, &list, NULL, NULL);
  if (argc != 1 || napi_get_array_length(env, list, &count) != napi_ok) {
    napi_throw_type_error(env, NULL, "statDirs: needs an array of paths");
    return NULL;
  }
  napi_value ab, out;
  double *v;
  napi_create_arraybuffer(env, (size_t)count * 3 * sizeof(double), (void **)&v, &ab);
  char path[MAX_PATH];
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    struct stat st;
    napi_get_element(env, list, i, &item);
    double *row = v + (size_t)i * 3;
    row[1] = row[2] = 0;
    if (!copy_string(env, item, path)) {
      row[0] = -ENAMETOOLONG;
      continue;
    }
    if (stat(path, &st) != 0) {
      row[0] = errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      row[0] = 0;
      continue;
    }
    row[0] = (double)st.st_ino;
    row[1] = ms_of(st.st_mtim);
    row[2] = ms_of(st.st_ctim);
  }
  napi_create_typedarray(env, napi_float64_array, (size_t)count * 3, ab, 0, &out);
  return out;
}

static bool is_object_name(const char *s) {
  int i = 0;
  for (; s[i]; i++)
    if (i >= 64 || !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  return i == 64;
}

// scanDir(dir) -> [names, Float64Array of [size, ctimeMs] per name] or a positive errno: the regular files whose
// names are object ids (64 lowercase hex digits), names concatenated in one string. One readdir and one fstatat per
// object in C, instead of a statSync per name in JS.
static napi_value scan_dir(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg, result;
  char path[MAX_PATH];
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  if (argc != 1 || !copy_string(env, arg, path)) {
    napi_throw_type_error(env, NULL, "scanDir: needs a path");
    return NULL;
  }
  int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
  if (!d) {
    int e = errno;
    if (dfd >= 0) close(dfd);
    napi_create_int32(env, e, &result);
    return result;
  }
  size_t cap = 64, n = 0;
  char *names = malloc(cap * 64);
  double *meta = malloc(cap * 2 * sizeof(double));
  int err = names && meta ? 0 : ENOMEM;
  struct dirent *e;
  while (!err && (errno = 0, e = readdir(d)) != NULL) {
    if (!is_object_name(e->d_name)) continue;
    if (e->d_type != DT_REG && e->d_type != DT_UNKNOWN && e->d_type != DT_LNK) continue;
    struct stat st;
    if (fstatat(dfd, e->d_name, &st, 0) != 0) {
      if (errno == ENOENT) continue; // removed since the readdir
      err = errno;
      break;
    }
    if (!S_ISREG(st.st_mode)) continue;
    if (n == cap) {
      cap *= 2;
      char *nn = realloc(names, cap * 64);
      if (nn) names = nn;
      double *nm = realloc(meta, cap * 2 * sizeof(double));
      if (nm) meta = nm;
      if (!nn || !nm) {
        err = ENOMEM;
        break;
      }
    }
    memcpy(names + n * 64, e->d_name, 64);
    meta[n * 2] = (double)st.st_size;
    meta[n * 2 + 1] = ms_of(st.st_ctim);
    n++;
  }
  if (!err && errno) err = errno;
  closedir(d);
  if (err) {
    free(names);
    free(meta);
    napi_create_int32(env, err, &result);
    return result;
  }
  napi_value str, ab, arr;
  double *v;
  napi_create_string_latin1(env, names, n * 64, &str);
  napi_create_arraybuffer(env, n * 2 * sizeof(double), (void **)&v, &ab);
  if (n) memcpy(v, meta, n * 2 * sizeof(double));
  napi_create_typedarray(env, napi_float64_array, n * 2, ab, 0, &arr);
  free(names);
  free(meta);
  napi_create_array_with_length(env, 2, &result);
  napi_set_element(env, result, 0, str);
  napi_set_element(env, result, 1, arr);
  return result;
}

// sendFile(socketFd, fileFd, offset, count, cancel: Int32Array(1), done(errno, sent)): copies file bytes to a TCP
// socket in the kernel (sendfile) on a pool thread, as Go's net/http can for plain connections, instead of a
// read into a JS buffer and a socket write per MiB (two copies and two event-loop round trips). The socket is
// non-blocking (libuv's): on EAGAIN the thread polls it, and stops when JS sets cancel[0] (the socket closed).
typedef struct {
  napi_async_work work;
  napi_ref cancel_ref, callback_ref;
  volatile int32_t *cancel;
  int sock, fd;
  off_t offset;
  size_t count, sent;
  int err;
} send_job_t;

static void send_execute(napi_env env, void *data) {
  (void)env;
  send_job_t *j = data;
  while (j->sent < j->count) {
    if (__atomic_load_n(j->cancel, __ATOMIC_RELAXED)) {
      j->err = ECANCELED;
      return;
    }
    ssize_t n = sendfile(j->sock, j->fd, &j->offset, j->count - j->sent);
    if (n > 0) {
      j->sent += (size_t)n;
      continue;
    }
    if (n == 0) {
      j->err = EIO; // the file is shorter than announced
      return;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) {
      j->err = errno;
      return;
    }
    struct pollfd p = {.fd = j->sock, .events = POLLOUT};
    if (poll(&p, 1, 200) < 0 && errno != EINTR) {
      j->err = errno;
      return;
    }
  }
}

static void send_complete(napi_env env, napi_status status, void *data) {
  send_job_t *j = data;
  close(j->sock);
  napi_value cb, global, argv[2];
  napi_get_reference_value(env, j->callback_ref, &cb);
  napi_get_global(env, &global);
  napi_create_int32(env, status == napi_ok ? j->err : ECANCELED, &argv[0]);
  napi_create_double(env, (double)j->sent, &argv[1]);
  napi_delete_reference(env, j->cancel_ref);
  napi_delete_reference(env, j->callback_ref);
  napi_delete_async_work(env, j->work);
  free(j);
  napi_call_function(env, global, cb, 2, argv, NULL);
}

static napi_value send_file(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  send_job_t *j = calloc(1, sizeof(send_job_t));
  int64_t offset, count;
  napi_typedarray_type type;
  size_t len;
  void *cancel;
  if (!j || argc != 6 || napi_get_value_int32(env, argv[0], &j->sock) != napi_ok ||
      napi_get_value_int32(env, argv[1], &j->fd) != napi_ok ||
      napi_get_value_int64(env, argv[2], &offset) != napi_ok ||
      napi_get_value_int64(env, argv[3], &count) != napi_ok || offset < 0 || count < 0 ||
      napi_get_typedarray_info(env, argv[4], &type, &len, &cancel, NULL, NULL) != napi_ok ||
      type != napi_int32_array || len < 1) {
    free(j);
    napi_throw_type_error(env, NULL, "sendFile: bad arguments");
    return NULL;
  }
  // A duplicate: if JS destroys the socket meanwhile, its fd number may be reused by another connection at once.
  j->sock = fcntl(j->sock, F_DUPFD_CLOEXEC, 0);
  if (j->sock < 0) {
    free(j);
    napi_throw_error(env, NULL, "sendFile: cannot duplicate the socket");
    return NULL;
  }
  j->offset = (off_t)offset;
  j->count = (size_t)count;
  j->cancel = cancel;
  napi_value name;
  napi_create_string_utf8(env, "restora.sendFile", NAPI_AUTO_LENGTH, &name);
  napi_create_reference(env, argv[4], 1, &j->cancel_ref); // keeps the flag's memory alive until the job is done
  napi_create_reference(env, argv[5], 1, &j->callback_ref);
  napi_create_async_work(env, NULL, name, send_execute, send_complete, j, &j->work);
  napi_queue_async_work(env, j->work);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "commit", NAPI_AUTO_LENGTH, commit, NULL, &fn);
  napi_set_named_property(env, exports, "commit", fn);
  napi_create_function(env, "release", NAPI_AUTO_LENGTH, release, NULL, &fn);
  napi_set_named_property(env, exports, "release", fn);
  napi_create_function(env, "statDirs", NAPI_AUTO_LENGTH, stat_dirs, NULL, &fn);
  napi_set_named_property(env, exports, "statDirs", fn);
  napi_create_function(env, "scanDir", NAPI_AUTO_LENGTH, scan_dir, NULL, &fn);
  napi_set_named_property(env, exports, "scanDir", fn);
  napi_create_function(env, "sendFile", NAPI_AUTO_LENGTH, send_file, NULL, &fn);
  napi_set_named_property(env, exports, "sendFile", fn);
  return exports;
}
