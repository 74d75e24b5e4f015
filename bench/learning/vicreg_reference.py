# The PyTorch side of the VICReg throughput benchmark (BENCHMARKS.md): torchvision's ResNet-18
# layout written out in plain torch (torchvision is not installed here), 3 input channels,
# projector 512-512-512, AdamW, batch 32 of 3 x 64 x 128, two views. Usage: python3 FILE THREADS [STEPS]
import sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); self.b2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
    def forward(self, x):
        y = F.relu(self.b1(self.c1(x))); y = self.b2(self.c2(y))
        return F.relu(y + (self.down(x) if self.down is not None else x))

class ResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        layers, cin = [], 64
        for i, w in enumerate([64, 128, 256, 512]):
            for b in range(2):
                layers.append(Block(cin, w, 2 if (i > 0 and b == 0) else 1)); cin = w
        self.layers = nn.Sequential(*layers)
    def forward(self, x):
        return self.layers(self.stem(x)).mean((2, 3))

def vicreg(x, y):
    inv = F.mse_loss(x, y)
    x = x - x.mean(0); y = y - y.mean(0)
    sx = torch.sqrt(x.var(0) + 1e-4); sy = torch.sqrt(y.var(0) + 1e-4)
    var = (F.relu(1 - sx).mean() + F.relu(1 - sy).mean()) / 2
    n, d = x.shape
    cx = x.T @ x / (n - 1); cy = y.T @ y / (n - 1)
    off = lambda c: (c ** 2).sum() - (torch.diagonal(c) ** 2).sum()
    return 25 * inv + 25 * var + (off(cx) + off(cy)) / d

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(threads)
torch.manual_seed(0)
backbone = ResNet18()
projector = nn.Sequential(nn.Linear(512, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Linear(512, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Linear(512, 512, bias=False))
params = list(backbone.parameters()) + list(projector.parameters())
opt = torch.optim.AdamW(params, lr=3e-4, weight_decay=1e-6)
a = torch.randn(32, 3, 64, 128); b = torch.randn(32, 3, 64, 128)
def step():
    loss = vicreg(projector(backbone(a)), projector(backbone(b)))
    opt.zero_grad(); loss.backward(); opt.step()
step()
t0 = time.time()
for _ in range(steps):
    step()
dt = (time.time() - t0) / steps
print(f"pytorch threads={threads} ms_per_step={dt*1000:.0f} samples_per_s={32/dt:.1f}")
