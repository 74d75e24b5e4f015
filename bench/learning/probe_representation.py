# Ridge-regression probe of a pre-trained encoder (doc/results.md): how much of log(nu) a linear
# map of the frozen features explains, with 64 and all labels, against the constant predictor.
# Usage: /usr/bin/python3 probe_representation.py OUTPUT_DIR   (holds data.h5 and encoder.pt; the
# 1D Burgers layout and 32-frame plain views of the quick start)
import sys
import h5py, torch, numpy as np
torch.set_num_threads(1)
f = h5py.File(sys.argv[1] + '/data.h5')
m = torch.jit.load(sys.argv[1] + '/encoder.pt')
def views(split):
    u = np.array(f[split + '/pde_100-256'])[:, :32, :]
    t = np.array(f[split + '/t']); x = np.array(f[split + '/x'])
    if t.ndim == 1: t = np.broadcast_to(t, (u.shape[0], t.shape[0]))
    if x.ndim == 1: x = np.broadcast_to(x, (u.shape[0], x.shape[0]))
    B = u.shape[0]
    T = np.broadcast_to(t[:, :32, None], u.shape); X = np.broadcast_to(x[:, None, :], u.shape)
    return torch.tensor(np.stack([T, X, u], 1), dtype=torch.float32), np.array(f[split + '/coefficients/nu'])
vtr, ytr = views('train'); vte, yte = views('test')
with torch.no_grad():
    ftr = m(vtr).numpy(); fte = m(vte).numpy()
def ridge(F, y, G, lam):
    mu, sd = F.mean(0), F.std(0) + 1e-6
    A = (F - mu) / sd; B = (G - mu) / sd
    w = np.linalg.solve(A.T @ A + lam * np.eye(A.shape[1]), A.T @ (np.log(y) - np.log(y).mean()))
    return np.exp(B @ w + np.log(y).mean())
print('mean predictor', np.mean(np.abs(np.exp(np.log(ytr).mean()) - yte) / yte) * 100)
for n in [64, 256]:
    for lam in [0.1, 1, 10, 100]:
        p = ridge(ftr[:n], ytr[:n], fte, lam)
        print(n, lam, np.mean(np.abs(p - yte) / yte) * 100)
