using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// A decoder-only language model (GPT, Llama): a causal <see cref="TransformerBackbone"/> and an output projection to the
/// vocabulary, which is the token-embedding matrix when <see cref="TransformerConfig.TieEmbeddings"/>, else its own
/// <c>Linear(D, V)</c> without bias. State-dict keys: <c>backbone.*</c>, and <c>lm_head.weight</c> [V, D] when untied.
/// </summary>
public sealed class CausalLanguageModel : nn.Module, ITaskNetwork
{
    [ComponentName(Name = "backbone")]
    private readonly TransformerBackbone backbone;

    [ComponentName(Name = "lm_head")]
    private readonly Linear? languageModelHead;

    /// <summary>Creates the model with fresh weights.</summary>
    /// <param name="config">The model configuration; validated first.</param>
    public CausalLanguageModel(TransformerConfig config)
        : base(nameof(CausalLanguageModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        backbone = new TransformerBackbone(config);
        languageModelHead = config.TieEmbeddings
            ? null
            : WeightInitialization.Normal(nn.Linear(config.ModelDimension, config.VocabularySize, hasBias: false));
        RegisterComponents();
    }

    /// <summary>The shared body, registered as <c>backbone</c>.</summary>
    public TransformerBackbone Backbone => backbone;

    /// <summary>An empty <see cref="KeyValueCache"/> sized for this model.</summary>
    public KeyValueCache CreateCache() => new(backbone.Config.LayerCount);

    /// <summary>Predicts each position's next token.</summary>
    /// <param name="inputIds">[B, T] int64 token ids.</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token) or null = all real; see <see cref="TransformerBackbone.forward"/>.</param>
    /// <param name="cache">Optional cache for incremental decoding: pass only the new tokens.</param>
    /// <returns>Logits [B, T, V].</returns>
    public Tensor forward(Tensor inputIds, Tensor? attentionMask = null, KeyValueCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var hidden = backbone.forward(inputIds, attentionMask, causal: true, cache); // [B, T, D]
        var weight = languageModelHead?.weight ?? backbone.TokenEmbeddingWeight; // [V, D]
        // Under MixedPrecision the product runs in bfloat16 and the logits return to the hidden states' type (float32) for the loss.
        return MixedPrecision.Linear(hidden, weight).to(hidden.dtype).MoveToOuterDisposeScope(); // [B, T, V]
    }
}
