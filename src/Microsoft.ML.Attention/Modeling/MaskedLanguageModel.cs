using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// A BERT-style masked language model: a bidirectional <see cref="TransformerBackbone"/> and a prediction head
/// <c>Linear(D, D) -> GELU -> Norm -> decoder (+ bias [V])</c>. The decoder is the token-embedding matrix when
/// <see cref="TransformerConfig.TieEmbeddings"/>, else its own [V, D] matrix.
/// State-dict keys: <c>backbone.*</c>, <c>dense.*</c>, <c>norm.*</c>, <c>decoder_bias</c> [V], and <c>decoder.weight</c> when untied.
/// </summary>
public sealed class MaskedLanguageModel : nn.Module<Tensor, Tensor, Tensor>, ITaskNetwork
{
    [ComponentName(Name = "backbone")]
    private readonly TransformerBackbone backbone;

    [ComponentName(Name = "dense")]
    private readonly Linear dense;

    [ComponentName(Name = "norm")]
    private readonly nn.Module<Tensor, Tensor> norm;

    [ComponentName(Name = "decoder")]
    private readonly Linear? decoder;

    [ComponentName(Name = "decoder_bias")]
    private readonly Parameter decoderBias;

    /// <summary>Creates the model with fresh weights.</summary>
    /// <param name="config">The model configuration; validated first.</param>
    public MaskedLanguageModel(TransformerConfig config)
        : base(nameof(MaskedLanguageModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        backbone = new TransformerBackbone(config);
        dense = WeightInitialization.Normal(nn.Linear(config.ModelDimension, config.ModelDimension, hasBias: config.UseBias));
        norm = NormalizationLayer.Create(config);
        decoder = config.TieEmbeddings
            ? null
            : WeightInitialization.Normal(nn.Linear(config.ModelDimension, config.VocabularySize, hasBias: false));
        decoderBias = new Parameter(torch.zeros(config.VocabularySize)); // [V]
        RegisterComponents();
    }

    /// <summary>The shared body, registered as <c>backbone</c>.</summary>
    public TransformerBackbone Backbone => backbone;

    /// <summary>Predicts every position's token from both sides.</summary>
    /// <param name="inputIds">[B, T] int64 token ids (masked positions hold the mask token).</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token).</param>
    /// <returns>Logits [B, T, V].</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var hidden = backbone.forward(inputIds, attentionMask, causal: false); // [B, T, D]
        return Predict(hidden).MoveToOuterDisposeScope(); // [B, T, V]
    }

    /// <summary>
    /// Predicts only the selected positions: the head and the [D, V] projection run on those rows alone, which is what
    /// training needs (about 15% of the positions) and saves most of the output-layer cost.
    /// </summary>
    /// <param name="inputIds">[B, T] int64 token ids.</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token).</param>
    /// <param name="selected">[B, T] bool, true where a prediction is wanted.</param>
    /// <returns>Logits [N, V] for the N selected positions, in row-major order.</returns>
    public Tensor ForwardSelected(Tensor inputIds, Tensor attentionMask, Tensor selected)
    {
        using var scope = NewDisposeScope();
        var hidden = backbone.forward(inputIds, attentionMask, causal: false); // [B, T, D]
        var rows = hidden[selected];                                            // [N, D]
        return Predict(rows).MoveToOuterDisposeScope();                         // [N, V]
    }

    private Tensor Predict(Tensor hidden)
    {
        // Under MixedPrecision the products run in bfloat16; the norm and the logits return to the hidden states' type (float32).
        var activated = nn.functional.gelu(MixedPrecision.Linear(dense, hidden));          // [..., D]
        var transformed = norm.forward(activated.to(hidden.dtype));                        // [..., D]
        var weight = decoder?.weight ?? backbone.TokenEmbeddingWeight;                     // [V, D]
        return MixedPrecision.Linear(transformed, weight, decoderBias).to(hidden.dtype);   // [..., V]
    }
}
