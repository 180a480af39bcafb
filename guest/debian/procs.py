import os, sys, signal, subprocess, threading, queue, select, selectors, time
# subprocess with pipes
p = subprocess.Popen(["/usr/bin/sort", "-r"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out, _ = p.communicate(b"b\na\nc\n")
print("popen", out.decode().split(), p.returncode)
print("check_output", subprocess.check_output(["/usr/bin/echo", "hello", "world"]).decode().strip())
print("pipeline", subprocess.run("printf '3\\n1\\n2\\n' | sort -n | tr '\\n' ,", shell=True, capture_output=True, text=True).stdout)
r = subprocess.run(["/usr/bin/sh", "-c", "echo err >&2; exit 5"], capture_output=True, text=True)
print("status", r.returncode, repr(r.stderr))
try:
    subprocess.check_call(["/usr/bin/false"])
except subprocess.CalledProcessError as e:
    print("called process error", e.returncode)
# threading: 8 workers over a queue
q = queue.Queue(); results = queue.Queue()
def worker(n):
    while True:
        item = q.get()
        if item is None:
            break
        results.put((item, sum(i * i for i in range(item * 100))))
ts = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
for t in ts: t.start()
for i in range(40): q.put(i)
for t in ts: q.put(None)
for t in ts: t.join()
got = sorted(results.get() for _ in range(40))
print("threads", len(got), sum(v for _, v in got), threading.active_count())
lock = threading.Lock(); counter = [0]
def bump():
    for _ in range(2000):
        with lock: counter[0] += 1
ts = [threading.Thread(target=bump) for _ in range(8)]
for t in ts: t.start()
for t in ts: t.join()
print("lock counter", counter[0])
# signals
hits = []
signal.signal(signal.SIGALRM, lambda s, f: hits.append(s))
signal.alarm(1)
signal.pause()
print("alarm", hits == [signal.SIGALRM])
signal.signal(signal.SIGUSR1, lambda s, f: hits.append(s))
os.kill(os.getpid(), signal.SIGUSR1)
print("usr1", hits[-1] == signal.SIGUSR1)
old = signal.signal(signal.SIGINT, signal.SIG_IGN); print("sigint handler was default", old is signal.default_int_handler)
# select and selectors over pipes
r1, w1 = os.pipe(); r2, w2 = os.pipe()
os.write(w2, b"x")
rl, wl, _ = select.select([r1, r2], [w1], [], 5)
print("select", [f == r2 for f in rl], [f == w1 for f in wl])
sel = selectors.DefaultSelector()
sel.register(r1, selectors.EVENT_READ, "one"); sel.register(r2, selectors.EVENT_READ, "two")
print("selector", type(sel).__name__, sorted(k.data for k, _ in sel.select(5)))
os.read(r2, 1)
print("selector empty", sel.select(0))
# selectors over a socketpair
import socket
a, b = socket.socketpair()
sel.register(a, selectors.EVENT_READ, "sock")
b.sendall(b"ping")
print("socket ready", sorted(k.data for k, _ in sel.select(5)), a.recv(16))
a.sendall(b"pong"); print("reply", b.recv(16))
b.close(); print("eof", a.recv(16))
# os.fork and waitpid
kids = []
for i in range(4):
    pid = os.fork()
    if pid == 0:
        os.write(w1, b"%d" % i)
        os._exit(10 + i)
    kids.append(pid)
codes = sorted(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in kids)
print("fork codes", codes, sorted(os.read(r1, 16).decode()))
pid = os.fork()
if pid == 0:
    os.kill(os.getpid(), signal.SIGTERM)
_, st = os.waitpid(pid, 0)
print("killed child", os.WIFSIGNALED(st), os.WTERMSIG(st))
print("done")
