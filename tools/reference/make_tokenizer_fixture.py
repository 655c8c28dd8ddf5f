"""Reference token ids from Hugging Face's `tokenizers` (the Rust tokenizers behind transformers), for parity tests.

Run where `tokenizers` is installed (the project's GPU machine has it):
    python3 tools/reference/make_tokenizer_fixture.py SENTENCES.json VOCAB_TXT ENCODER_JSON VOCAB_BPE OUT.json
Writes, per sentence, the ids of BertWordPieceTokenizer(vocab.txt, lowercase=True) (bert-base-uncased's normalizer and
pre-tokenizer) and ByteLevelBPETokenizer(encoder.json, vocab.bpe) (GPT-2), both without special tokens.
"""
import json
import sys

import tokenizers
from tokenizers import BertWordPieceTokenizer, ByteLevelBPETokenizer

sentences_path, vocab_txt, encoder_json, vocab_bpe, out_path = sys.argv[1:6]
sentences = json.load(open(sentences_path, encoding="utf-8"))
bert = BertWordPieceTokenizer(vocab_txt, lowercase=True)
gpt2 = ByteLevelBPETokenizer(encoder_json, vocab_bpe)
# The published ids, so that a misconfigured reference cannot write a fixture.
assert gpt2.encode("Hello world").ids == [15496, 995], gpt2.encode("Hello world").ids
assert bert.encode("hello world", add_special_tokens=False).ids == [7592, 2088]
rows = [
    {
        "text": s,
        "wordpiece": bert.encode(s, add_special_tokens=False).ids,
        "gpt2": gpt2.encode(s).ids,
    }
    for s in sentences
]
json.dump({"generator": f"tokenizers {tokenizers.__version__}: BertWordPieceTokenizer(lowercase=True), ByteLevelBPETokenizer", "rows": rows},
          open(out_path, "w", encoding="utf-8"), ensure_ascii=False, indent=0)
print(f"wrote {len(rows)} rows with tokenizers {tokenizers.__version__}")
