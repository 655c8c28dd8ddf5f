using System.Globalization;

namespace Microsoft.ML.Attention.Generation;

/// <summary>
/// Settings of one text-generation run: how many tokens, how they are sampled, and when to stop.
/// Every property documents its default; <see cref="Validate"/> checks them all.
/// </summary>
public sealed class GenerationOptions
{
    /// <summary>
    /// The most tokens to generate after the prompt. Default 64; must be at least 1.
    /// Generation also ends earlier at the end-of-sequence token, at a stop sequence, or when the model's context is full.
    /// </summary>
    public int MaxNewTokens { get; set; } = 64;

    /// <summary>
    /// Divides the logits before sampling: below 1 sharpens, above 1 flattens the distribution. Default 1.0;
    /// must be finite and at least 0, where 0 means greedy decoding (always the most likely token).
    /// </summary>
    public float Temperature { get; set; } = 1.0f;

    /// <summary>
    /// Samples only among the <c>TopK</c> most likely tokens. Default 0 (off); must be at least 0. A value of 1 is greedy decoding.
    /// </summary>
    public int TopK { get; set; }

    /// <summary>
    /// Nucleus sampling: samples only among the most likely tokens whose probabilities sum to at least <c>TopP</c>
    /// (the most likely token is always kept). Default 1.0 (off); must be in (0, 1].
    /// </summary>
    public float TopP { get; set; } = 1.0f;

    /// <summary>
    /// CTRL-style repetition penalty applied to every token already in the sequence (prompt included): a positive logit is
    /// divided by it, a negative logit multiplied by it. Default 1.0 (off); must be finite and greater than 0.
    /// </summary>
    public float RepetitionPenalty { get; set; } = 1.0f;

    /// <summary>
    /// Texts that end generation when they appear in the generated text; the stop sequence itself is not part of the output.
    /// Default empty; entries must be non-null and non-empty.
    /// </summary>
    public IList<string> StopSequences { get; set; } = new List<string>();

    /// <summary>
    /// Seed of the random generator used for sampling: the same seed, options, model and prompt give the same text.
    /// Default <see langword="null"/> (a seed drawn from the operating system's randomness, so each run differs).
    /// Ignored by greedy decoding.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Whether to keep the attention keys and values of earlier positions (one forward pass for the prompt, then one
    /// single-token pass per new token). Default <see langword="true"/>. <see langword="false"/> re-runs the whole
    /// sequence for each new token: slower, the reference the cache is tested against.
    /// </summary>
    public bool UseKeyValueCache { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option whose value is out of range.</summary>
    /// <exception cref="ArgumentException">An option is out of its documented range.</exception>
    public void Validate()
    {
        if (MaxNewTokens < 1)
        {
            throw Invalid(nameof(MaxNewTokens), MaxNewTokens, "must be at least 1");
        }

        if (!float.IsFinite(Temperature) || Temperature < 0f)
        {
            throw Invalid(nameof(Temperature), Temperature, "must be a finite number >= 0 (0 = greedy)");
        }

        if (TopK < 0)
        {
            throw Invalid(nameof(TopK), TopK, "must be at least 0 (0 = off)");
        }

        if (!(TopP > 0f && TopP <= 1f))
        {
            throw Invalid(nameof(TopP), TopP, "must be in (0, 1] (1 = off)");
        }

        if (!float.IsFinite(RepetitionPenalty) || RepetitionPenalty <= 0f)
        {
            throw Invalid(nameof(RepetitionPenalty), RepetitionPenalty, "must be a finite number > 0 (1 = off)");
        }

        if (StopSequences is null)
        {
            throw new ArgumentException($"{nameof(StopSequences)} must not be null (use an empty list).", nameof(StopSequences));
        }

        for (int i = 0; i < StopSequences.Count; i++)
        {
            if (string.IsNullOrEmpty(StopSequences[i]))
            {
                throw new ArgumentException(
                    $"{nameof(StopSequences)}[{i}] is {(StopSequences[i] is null ? "null" : "an empty string")}; each stop sequence must be non-empty text.",
                    nameof(StopSequences));
            }
        }
    }

    private static ArgumentException Invalid(string option, IFormattable value, string rule) =>
        new($"{option} = {value.ToString(null, CultureInfo.InvariantCulture)} is invalid: it {rule}.", option);
}
