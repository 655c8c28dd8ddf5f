"""nanoGPT's shakespeare_char CPU configuration in PyTorch, with the same evaluation as our benchmark, for a side-by-side check.

A compact restatement of karpathy/nanoGPT's model.py (GPT: learned positions, pre-norm bias-free LayerNorm, exact GELU MLP,
causal scaled_dot_product_attention, tied lm_head, N(0, 0.02) init with c_proj scaled by 1/sqrt(2L)) and train.py's loop
(random 64-token windows, batch 12, AdamW lr 1e-3 betas (0.9, 0.99) weight decay 0.1 on >=2-D parameters, 100 warmup
iterations, cosine to 1e-4 at 2000, clip 1.0). The validation loss is the mean over 200 random batches, as
benchmarks/Microsoft.ML.Attention.Benchmarks/NanoGptParity.cs reports it.

    python3 tools/reference/nanogpt_reference.py datasets/lm/tinyshakespeare/input.txt SEED [SEED ...]
"""
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BLOCK, BATCH, LAYERS, HEADS, DIM, ITERS, WARMUP, LR, MIN_LR = 64, 12, 4, 4, 128, 2000, 100, 1e-3, 1e-4


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(DIM, bias=False)
        self.c_attn = nn.Linear(DIM, 3 * DIM, bias=False)
        self.attn_proj = nn.Linear(DIM, DIM, bias=False)
        self.ln_2 = nn.LayerNorm(DIM, bias=False)
        self.c_fc = nn.Linear(DIM, 4 * DIM, bias=False)
        self.mlp_proj = nn.Linear(4 * DIM, DIM, bias=False)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(DIM, dim=2)
        q, k, v = (z.view(b, t, HEADS, c // HEADS).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).contiguous().view(b, t, c)
        x = x + self.attn_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))


class GPT(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.wte = nn.Embedding(vocab, DIM)
        self.wpe = nn.Embedding(BLOCK, DIM)
        self.h = nn.ModuleList(Block() for _ in range(LAYERS))
        self.ln_f = nn.LayerNorm(DIM, bias=False)
        self.lm_head = nn.Linear(DIM, vocab, bias=False)
        self.wte.weight = self.lm_head.weight
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0.0, 0.02)
        for name, p in self.named_parameters():
            if name.endswith("attn_proj.weight") or name.endswith("mlp_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * LAYERS))

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1], device=idx.device))
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    n = int(0.9 * len(data))
    train, val = data[:n], data[n:]
    device = "cuda" if torch.cuda.is_available() else "cpu"

    def batch(split, gen):
        d = train if split == "train" else val
        ix = torch.randint(len(d) - BLOCK, (BATCH,), generator=gen)
        x = torch.stack([d[i:i + BLOCK] for i in ix])
        y = torch.stack([d[i + 1:i + 1 + BLOCK] for i in ix])
        return x.to(device), y.to(device)

    for seed in [int(s) for s in sys.argv[2:]]:
        torch.manual_seed(seed)
        model = GPT(len(chars)).to(device)
        decay = [p for p in model.parameters() if p.dim() >= 2]
        no_decay = [p for p in model.parameters() if p.dim() < 2]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                                lr=LR, betas=(0.9, 0.99))
        gen = torch.Generator().manual_seed(seed)
        start = time.time()
        for it in range(ITERS):
            lr = LR * (it + 1) / (WARMUP + 1) if it < WARMUP else \
                MIN_LR + 0.5 * (1 + math.cos(math.pi * (it - WARMUP) / (ITERS - WARMUP))) * (LR - MIN_LR)
            for g in opt.param_groups:
                g["lr"] = lr
            x, y = batch("train", gen)
            loss = model(x, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        model.eval()
        losses = {}
        with torch.no_grad():
            for split in ("train", "val"):
                eval_gen = torch.Generator().manual_seed(1337)
                losses[split] = sum(model(*batch(split, eval_gen)).item() for _ in range(200)) / 200
        print(f"seed {seed}: train loss {losses['train']:.4f}, val loss {losses['val']:.4f} (200 batches), "
              f"{time.time() - start:.1f} s on {device}, torch {torch.__version__}", flush=True)


if __name__ == "__main__":
    main()
