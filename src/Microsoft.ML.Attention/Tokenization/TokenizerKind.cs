namespace Microsoft.ML.Attention.Tokenization;

/// <summary>The tokenization schemes that <see cref="TextTokenizer"/> supports.</summary>
public enum TokenizerKind
{
    /// <summary>GPT-2 byte-level BPE (tiktoken "gpt2" vocabulary, 50,257 ids).</summary>
    Gpt2 = 0,

    /// <summary>BERT WordPiece from a <c>vocab.txt</c> file.</summary>
    WordPiece = 1,

    /// <summary>One id per distinct Unicode scalar value seen in a corpus.</summary>
    Character = 2,

    /// <summary>A SentencePiece BPE vocabulary stored in karpathy/llama2.c's tokenizer file format.</summary>
    Llama2c = 3,

    /// <summary>
    /// A byte-pair-encoding vocabulary learned from the training text (<see cref="TextTokenizer.TrainSubword"/>), run by
    /// Microsoft.ML.Tokenizers' SentencePiece BPE with byte fallback; case and accents kept.
    /// </summary>
    Subword = 4,
}
