using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// The shape of a transformer: sizes, positional encoding, normalization and activation.
/// One record describes every model in this namespace (encoder, decoder, task heads); it round-trips through JSON
/// (<see cref="ToJson"/>, <see cref="FromJson"/>) with enums written as strings.
/// </summary>
/// <remarks>
/// The defaults give a small GPT-2/BERT-like model (pre-norm, LayerNorm, GELU, learned positions, tied embeddings).
/// A Llama-style model is <c>Rotary</c> + <c>RmsNorm</c> + <c>SwiGlu</c> + <c>UseBias = false</c>, optionally with
/// <see cref="KeyValueHeadCount"/> &lt; <see cref="HeadCount"/> (grouped-query attention).
/// </remarks>
public sealed record TransformerConfig
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Number of token ids (V). No default: 0 is invalid; set it from the tokenizer.</summary>
    public int VocabularySize { get; init; }

    /// <summary>Width of the hidden states (D). Default 128.</summary>
    public int ModelDimension { get; init; } = 128;

    /// <summary>Number of transformer blocks. Default 2.</summary>
    public int LayerCount { get; init; } = 2;

    /// <summary>Number of query heads (H); must divide <see cref="ModelDimension"/>. Default 4.</summary>
    public int HeadCount { get; init; } = 4;

    /// <summary>
    /// Number of key/value heads (Hkv). Default 0, meaning the same as <see cref="HeadCount"/> (plain multi-head attention);
    /// a divisor of <see cref="HeadCount"/> below it gives grouped-query attention.
    /// </summary>
    public int KeyValueHeadCount { get; init; }

    /// <summary>Inner width of each feed-forward layer. Default 0, meaning 4 * <see cref="ModelDimension"/>.</summary>
    public int FeedForwardDimension { get; init; }

    /// <summary>Longest sequence (prompt plus cached positions) the model accepts. Default 128.</summary>
    public int MaxSequenceLength { get; init; } = 128;

    /// <summary>Dropout probability on the embeddings and on each residual branch, in [0, 1). Default 0.1.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Dropout probability on the attention weights, in [0, 1). Default 0.1.</summary>
    public double AttentionDropout { get; init; } = 0.1;

    /// <summary>How positions are encoded. Default <see cref="PositionalEncodingKind.Learned"/>.</summary>
    public PositionalEncodingKind PositionalEncoding { get; init; } = PositionalEncodingKind.Learned;

    /// <summary>Where each block normalizes. Default <see cref="NormalizationPlacement.PreNorm"/>.</summary>
    public NormalizationPlacement NormalizationPlacement { get; init; } = NormalizationPlacement.PreNorm;

    /// <summary>Which normalization layer is used. Default <see cref="NormalizationKind.LayerNorm"/>.</summary>
    public NormalizationKind Normalization { get; init; } = NormalizationKind.LayerNorm;

    /// <summary>The feed-forward non-linearity. Default <see cref="ActivationKind.Gelu"/>.</summary>
    public ActivationKind Activation { get; init; } = ActivationKind.Gelu;

    /// <summary>Whether the attention and feed-forward linear layers and the LayerNorms have biases. Default true.</summary>
    public bool UseBias { get; init; } = true;

    /// <summary>Whether the output projection of the language models shares the token-embedding matrix. Default true.</summary>
    public bool TieEmbeddings { get; init; } = true;

    /// <summary>Epsilon added inside every normalization layer; positive. Default 1e-5.</summary>
    public double NormalizationEpsilon { get; init; } = 1e-5;

    /// <summary>
    /// Number of token types (segments) with a learned embedding added to every token, as BERT's <c>token_type_embeddings</c>
    /// (2: first and second text of a pair). Default 0: no token-type embedding.
    /// </summary>
    public int TokenTypeCount { get; init; }

    /// <summary>
    /// Whether the summed token, token-type and position embeddings pass through a normalization layer before the first block,
    /// as BERT's <c>embeddings.LayerNorm</c>. Default false.
    /// </summary>
    public bool NormalizeEmbeddings { get; init; }

    /// <summary>Base of the rotary frequencies, <c>RotaryBase^(-2i/Dh)</c>; positive. Used only with rotary positions. Default 10000.</summary>
    public double RotaryBase { get; init; } = 10000;

    /// <summary>Key/value heads actually used: <see cref="KeyValueHeadCount"/>, or <see cref="HeadCount"/> when it is 0.</summary>
    [JsonIgnore]
    public int EffectiveKeyValueHeadCount => KeyValueHeadCount == 0 ? HeadCount : KeyValueHeadCount;

    /// <summary>Feed-forward width actually used: <see cref="FeedForwardDimension"/>, or 4 * <see cref="ModelDimension"/> when it is 0.</summary>
    [JsonIgnore]
    public int EffectiveFeedForwardDimension => FeedForwardDimension == 0 ? 4 * ModelDimension : FeedForwardDimension;

    /// <summary>Width of one attention head (Dh): <see cref="ModelDimension"/> / <see cref="HeadCount"/>.</summary>
    [JsonIgnore]
    public int HeadDimension => HeadCount > 0 ? ModelDimension / HeadCount : 0;

    /// <summary>Checks that the sizes and options describe a model that can be built.</summary>
    /// <exception cref="ArgumentException">A property is out of range; the message names the property and its value.</exception>
    public void Validate()
    {
        RequirePositive(VocabularySize, nameof(VocabularySize));
        RequirePositive(ModelDimension, nameof(ModelDimension));
        RequirePositive(LayerCount, nameof(LayerCount));
        RequirePositive(HeadCount, nameof(HeadCount));
        RequirePositive(MaxSequenceLength, nameof(MaxSequenceLength));
        Require(KeyValueHeadCount >= 0, nameof(KeyValueHeadCount), KeyValueHeadCount, "must be 0 (same as HeadCount) or positive");
        Require(TokenTypeCount >= 0, nameof(TokenTypeCount), TokenTypeCount, "must be 0 (no token types) or positive");
        Require(FeedForwardDimension >= 0, nameof(FeedForwardDimension), FeedForwardDimension, "must be 0 (4 * ModelDimension) or positive");
        Require(ModelDimension % HeadCount == 0, nameof(ModelDimension), ModelDimension, $"must be divisible by HeadCount ({HeadCount})");
        Require(KeyValueHeadCount <= HeadCount, nameof(KeyValueHeadCount), KeyValueHeadCount, $"must not exceed HeadCount ({HeadCount})");
        Require(HeadCount % EffectiveKeyValueHeadCount == 0, nameof(KeyValueHeadCount), KeyValueHeadCount, $"must divide HeadCount ({HeadCount})");
        RequireProbability(Dropout, nameof(Dropout));
        RequireProbability(AttentionDropout, nameof(AttentionDropout));
        Require(NormalizationEpsilon > 0 && double.IsFinite(NormalizationEpsilon), nameof(NormalizationEpsilon), NormalizationEpsilon, "must be positive and finite");
        Require(RotaryBase > 0 && double.IsFinite(RotaryBase), nameof(RotaryBase), RotaryBase, "must be positive and finite");
        Require(Enum.IsDefined(PositionalEncoding), nameof(PositionalEncoding), PositionalEncoding, "is not a defined value");
        Require(Enum.IsDefined(NormalizationPlacement), nameof(NormalizationPlacement), NormalizationPlacement, "is not a defined value");
        Require(Enum.IsDefined(Normalization), nameof(Normalization), Normalization, "is not a defined value");
        Require(Enum.IsDefined(Activation), nameof(Activation), Activation, "is not a defined value");
        Require(PositionalEncoding != PositionalEncodingKind.Rotary || HeadDimension % 2 == 0,
            nameof(PositionalEncoding), PositionalEncoding, $"needs an even HeadDimension (ModelDimension / HeadCount = {HeadDimension})");
        Require(PositionalEncoding != PositionalEncodingKind.Sinusoidal || ModelDimension % 2 == 0,
            nameof(PositionalEncoding), PositionalEncoding, $"needs an even ModelDimension ({ModelDimension})");
    }

    /// <summary>
    /// A lower bound on the parameters of any network of this shape: the token embedding table, the learned position table (when
    /// learned) and per layer the query, key, value and output projections and the two feed-forward matrices (biases, norms and task
    /// heads not counted). A double, since a hostile config's product overflows <c>long</c>.
    /// </summary>
    internal double MinimumParameterCount()
    {
        double d = ModelDimension;
        double keyValue = (double)EffectiveKeyValueHeadCount * HeadDimension;
        double feedForward = FeedForwardDimension == 0 ? 4 * d : FeedForwardDimension;   // not EffectiveFeedForwardDimension: 4 * d may overflow int
        double perLayer = 2 * d * d + 2 * d * keyValue + 2 * d * feedForward;
        double positions = PositionalEncoding == PositionalEncodingKind.Learned ? (double)MaxSequenceLength * d : 0;
        return (double)VocabularySize * d + positions + LayerCount * perLayer;
    }

    /// <summary>Writes this configuration as indented JSON, enums as strings, computed properties left out.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a configuration written by <see cref="ToJson"/> and validates it.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="ArgumentException">The text is not a configuration object, names an unknown property, or fails <see cref="Validate"/>.</exception>
    public static TransformerConfig FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        TransformerConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<TransformerConfig>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The transformer configuration JSON is invalid: {ex.Message}", nameof(json), ex);
        }

        if (config is null)
        {
            throw new ArgumentException("The transformer configuration JSON is 'null', expected an object.", nameof(json));
        }

        config.Validate();
        return config;
    }

    private static void RequirePositive(int value, string property) => Require(value > 0, property, value, "must be positive");

    private static void RequireProbability(double value, string property) =>
        Require(value >= 0 && value < 1, property, value, "must be in [0, 1)");

    private static void Require<T>(bool condition, string property, T value, string rule)
    {
        if (!condition)
        {
            var shown = string.Format(CultureInfo.InvariantCulture, "{0}", value);
            throw new ArgumentException($"TransformerConfig.{property} {rule}; got {shown}.", property);
        }
    }
}
