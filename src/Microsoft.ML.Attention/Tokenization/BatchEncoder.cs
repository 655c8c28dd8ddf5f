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

        SpecialTokenIds special = tokenizer.Special;
        var rows = new List<int>[texts.Count];
        var types = new List<int>[texts.Count];
        int truncated = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            // budget + 1 tokens at most of each text (the work is bounded by the length kept, not the text's): longest-first
            // truncation gives the same lengths for any text length at or above the budget, and one more tells a truncated row.
            int[] first = tokenizer.EncodeAtLeast(texts[i], maxLength - specialCount + 1);
            int[] second = secondTexts is null ? [] : tokenizer.EncodeAtLeast(secondTexts[i], maxLength - specialCount + 1);
            (int firstLength, int secondLength) = TruncateLongestFirst(first.Length, second.Length, maxLength - specialCount);
            if (firstLength < first.Length || secondLength < second.Length)
            {
                truncated++;
            }

            var row = new List<int>(firstLength + secondLength + specialCount) { special.Bos };
            row.AddRange(first.AsSpan(0, firstLength));
            row.Add(special.Eos);
            var type = new List<int>(row.Capacity);
            type.AddRange(Enumerable.Repeat(0, row.Count));
            if (secondTexts is not null)
            {
                row.AddRange(second.AsSpan(0, secondLength));
                row.Add(special.Eos);
                type.AddRange(Enumerable.Repeat(1, secondLength + 1));
            }

            rows[i] = row;
            types[i] = type;
        }

        return Pad(rows, types, special.Pad, truncated);
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

        var rows = new List<int>[texts.Count];
        var types = new List<int>[texts.Count];
        int truncated = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            var row = new List<int> { tokenizer.Special.Bos };
            row.AddRange(tokenizer.Encode(texts[i]));
            if (row.Count > maxLength)
            {
                row.RemoveRange(0, row.Count - maxLength);
                truncated++;
            }

            rows[i] = row;
            types[i] = [.. Enumerable.Repeat(0, row.Count)];
        }

        return Pad(rows, types, tokenizer.Special.Pad, truncated);
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

    /// <summary>
    /// The length of each row as <see cref="EncodeForEncoder"/> encodes it (special tokens included, truncated to
    /// <paramref name="maxLength"/>), without padding: what length-grouped training batches sort by.
    /// </summary>
    internal static int[] EncodedLengths(TextTokenizer tokenizer, IReadOnlyList<string?> texts, int maxLength, IReadOnlyList<string?>? secondTexts = null)
    {
        const int chunk = 256;   // rows encoded at a time: bounds the padded arrays of one call
        var lengths = new int[texts.Count];
        for (int start = 0; start < texts.Count; start += chunk)
        {
            int count = Math.Min(chunk, texts.Count - start);
            var batch = EncodeForEncoder(tokenizer, texts.Skip(start).Take(count).ToList(), maxLength, secondTexts?.Skip(start).Take(count).ToList());
            batch.Lengths.CopyTo(lengths, start);
        }

        return lengths;
    }

    private static EncodedBatch Pad(List<int>[] rows, List<int>[] types, int padId, int truncatedRowCount)
    {
        int batchSize = rows.Length;
        int sequenceLength = rows.Length == 0 ? 0 : rows.Max(r => r.Count);
        var inputIds = new long[batchSize * sequenceLength];
        var mask = new long[batchSize * sequenceLength];
        var tokenTypes = new long[batchSize * sequenceLength];
        var lengths = new int[batchSize];
        Array.Fill(inputIds, padId);
        for (int b = 0; b < batchSize; b++)
        {
            // [B, T] row-major: row b starts at b * T.
            int offset = b * sequenceLength;
            lengths[b] = rows[b].Count;
            for (int t = 0; t < rows[b].Count; t++)
            {
                inputIds[offset + t] = rows[b][t];
                mask[offset + t] = 1;
                tokenTypes[offset + t] = types[b][t];
            }
        }

        return new EncodedBatch(batchSize, sequenceLength, inputIds, mask, tokenTypes, lengths, truncatedRowCount);
    }
}
