namespace Microsoft.ML.Attention.Tokenization;

/// <summary>Encodes lists of texts into padded <see cref="EncodedBatch"/>es with a model's special-token layout.</summary>
public static class BatchEncoder
{
    /// <summary>
    /// Encoder (BERT-style) input: <c>[Bos] a [Eos]</c>, or <c>[Bos] a [Eos] b [Eos]</c> for pairs. Rows longer than
    /// <paramref name="maxLength"/> are truncated longest-first (one token at a time from the end of the longer text,
    /// the second text on ties, as Hugging Face's "longest_first"); rows are padded on the right to the longest row.
    /// </summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="texts">First texts; null counts as empty.</param>
    /// <param name="maxLength">Maximum row length, special tokens included: at least 2, or 3 with pairs.</param>
    /// <param name="secondTexts">Optional second texts, one per first text.</param>
    /// <returns>The batch.</returns>
    /// <exception cref="ArgumentException">A bad argument; the message names it.</exception>
    public static EncodedBatch EncodeForEncoder(TextTokenizer tokenizer, IReadOnlyList<string?> texts, int maxLength, IReadOnlyList<string?>? secondTexts = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(texts);
        int specialCount = secondTexts is null ? 2 : 3;
        if (maxLength < specialCount)
        {
            throw new ArgumentException($"maxLength must be at least {specialCount} ({(secondTexts is null ? "Bos, Eos" : "Bos, Eos, Eos")}); got {maxLength}.", nameof(maxLength));
        }

        if (secondTexts is not null && secondTexts.Count != texts.Count)
        {
            throw new ArgumentException($"secondTexts has {secondTexts.Count} texts; texts has {texts.Count}. Pairs need one second text per first text.", nameof(secondTexts));
        }

        var rows = new EncodedRow[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            rows[i] = EncodeRow(tokenizer, texts[i], secondTexts?[i], maxLength, secondTexts is not null);
        }

        return Pad(rows, tokenizer.Special.Pad);
    }

    /// <summary>
    /// One row as <see cref="EncodeForEncoder"/> encodes it, unpadded: the unit that <c>Fit</c> encodes once and reuses for the truncation
    /// count, the length grouping and every epoch (<see cref="Pad"/> makes the batches).
    /// </summary>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="text">The (first) text; null or empty encodes as no tokens.</param>
    /// <param name="secondText">The second text of a pair, or null.</param>
    /// <param name="maxLength">The most tokens of the row, special tokens included.</param>
    /// <param name="pair">true = a pair row ([Bos] a [Eos] b [Eos]) even when <paramref name="secondText"/> is null (an empty second text).</param>
    /// <returns>The row's ids and token types, and whether it was truncated.</returns>
    /// <exception cref="ArgumentException"><paramref name="maxLength"/> is too small for the special tokens.</exception>
    public static EncodedRow EncodeRow(TextTokenizer tokenizer, string? text, string? secondText, int maxLength, bool pair = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        pair |= secondText is not null;
        int specialCount = pair ? 3 : 2;
        if (maxLength < specialCount)
        {
            throw new ArgumentException($"maxLength must be at least {specialCount} ({(pair ? "Bos, Eos, Eos" : "Bos, Eos")}); got {maxLength}.", nameof(maxLength));
        }

        SpecialTokenIds special = tokenizer.Special;
        // budget + 1 tokens at most of each text (the work is bounded by the length kept, not the text's): longest-first
        // truncation gives the same lengths for any text length at or above the budget, and one more tells a truncated row.
        int budget = maxLength - specialCount;
        int[] first = tokenizer.EncodeAtLeast(text, budget + 1);
        int[] second = pair ? tokenizer.EncodeAtLeast(secondText, budget + 1) : [];
        (int firstLength, int secondLength) = TruncateLongestFirst(first.Length, second.Length, maxLength - specialCount);
        bool truncated = firstLength < first.Length || secondLength < second.Length;
        int length = firstLength + secondLength + specialCount;
        var ids = new int[length];
        var types = new int[length];
        ids[0] = special.Bos;
        first.AsSpan(0, firstLength).CopyTo(ids.AsSpan(1));
        ids[firstLength + 1] = special.Eos;
        if (pair)
        {
            second.AsSpan(0, secondLength).CopyTo(ids.AsSpan(firstLength + 2));
            ids[length - 1] = special.Eos;
            types.AsSpan(firstLength + 2).Fill(1);
        }

        return new EncodedRow(ids, types, truncated);
    }

    /// <summary>
    /// Decoder (causal language model) prompts: <c>[Bos] text</c>; a row longer than <paramref name="maxLength"/> keeps
    /// its last <paramref name="maxLength"/> tokens (so Bos is dropped then). Rows are padded on the right.
    /// </summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="texts">Prompts; null counts as empty.</param>
    /// <param name="maxLength">Maximum row length (the model's context), at least 1.</param>
    /// <returns>The batch; <see cref="EncodedBatch.TokenTypeIds"/> are all 0.</returns>
    /// <exception cref="ArgumentException">A bad argument; the message names it.</exception>
    public static EncodedBatch EncodeForDecoder(TextTokenizer tokenizer, IReadOnlyList<string?> texts, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(texts);
        if (maxLength < 1)
        {
            throw new ArgumentException($"maxLength must be at least 1; got {maxLength}.", nameof(maxLength));
        }

        var rows = new EncodedRow[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            var row = new List<int> { tokenizer.Special.Bos };
            row.AddRange(tokenizer.Encode(texts[i]));
            bool truncated = row.Count > maxLength;
            if (truncated)
            {
                row.RemoveRange(0, row.Count - maxLength);
            }

            rows[i] = new EncodedRow([.. row], new int[row.Count], truncated);
        }

        return Pad(rows, tokenizer.Special.Pad);
    }

    // Lengths after removing tokens one at a time from the end of the longer text (the second on ties) until they fit.
    private static (int First, int Second) TruncateLongestFirst(int first, int second, int budget)
    {
        int excess = first + second - budget;
        if (excess <= 0)
        {
            return (first, second);
        }

        // Cut the longer one down to the shorter one's length, then alternate second, first, second, ...
        int gap = Math.Abs(first - second);
        int fromGap = Math.Min(excess, gap);
        if (first > second)
        {
            first -= fromGap;
        }
        else
        {
            second -= fromGap;
        }

        excess -= fromGap;
        first -= excess / 2;
        second -= excess - (excess / 2);
        return (first, second);
    }

    /// <summary>Pads encoded rows into one batch [B, T] with T = the longest row; pad positions have mask 0 and type 0.</summary>
    /// <param name="rows">The rows (from <see cref="EncodeRow"/>).</param>
    /// <param name="padId">The tokenizer's pad id.</param>
    /// <returns>The batch; <see cref="EncodedBatch.TruncatedRowCount"/> counts the truncated rows.</returns>
    public static EncodedBatch Pad(IReadOnlyList<EncodedRow> rows, int padId)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int batchSize = rows.Count;
        int sequenceLength = rows.Count == 0 ? 0 : rows.Max(r => r.Length);
        var inputIds = new long[batchSize * sequenceLength];
        var mask = new long[batchSize * sequenceLength];
        var tokenTypes = new long[batchSize * sequenceLength];
        var lengths = new int[batchSize];
        int truncated = 0;
        Array.Fill(inputIds, padId);
        for (int b = 0; b < batchSize; b++)
        {
            // [B, T] row-major: row b starts at b * T.
            int offset = b * sequenceLength;
            var row = rows[b];
            lengths[b] = row.Length;
            truncated += row.Truncated ? 1 : 0;
            for (int t = 0; t < row.Length; t++)
            {
                inputIds[offset + t] = row.Ids[t];
                mask[offset + t] = 1;
                tokenTypes[offset + t] = row.TokenTypes[t];
            }
        }

        return new EncodedBatch(batchSize, sequenceLength, inputIds, mask, tokenTypes, lengths, truncated);
    }
}
