using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// Token classification (Hugging Face's <c>ForTokenClassification</c>): a bidirectional <see cref="TransformerBackbone"/>, dropout
/// and <c>Linear(D, classCount)</c> applied at every position. State-dict keys: <c>backbone.*</c>, <c>classifier.weight</c> [C, D],
/// <c>classifier.bias</c> [C].
/// </summary>
public sealed class TokenClassifier : nn.Module<Tensor, Tensor, Tensor>, ITaskNetwork
{
    [ComponentName(Name = "backbone")]
    private readonly TransformerBackbone backbone;

    [ComponentName(Name = "dropout")]
    private readonly Dropout dropout;

    [ComponentName(Name = "classifier")]
    private readonly Linear classifier;

    /// <summary>Creates the model with fresh weights.</summary>
    /// <param name="config">The model configuration; validated first.</param>
    /// <param name="classCount">Number of classes (tags) C; positive.</param>
    /// <exception cref="ArgumentException">The configuration is invalid, or <paramref name="classCount"/> is not positive.</exception>
    public TokenClassifier(TransformerConfig config, int classCount)
        : base(nameof(TokenClassifier))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (classCount <= 0)
        {
            throw new ArgumentException($"classCount must be positive; got {classCount}.", nameof(classCount));
        }

        ClassCount = classCount;
        backbone = new TransformerBackbone(config);
        dropout = nn.Dropout(config.Dropout);
        classifier = WeightInitialization.Normal(nn.Linear(config.ModelDimension, classCount));
        RegisterComponents();
    }

    /// <summary>The shared body, registered as <c>backbone</c>.</summary>
    public TransformerBackbone Backbone => backbone;

    /// <summary>Number of classes C.</summary>
    public int ClassCount { get; }

    /// <summary>Scores every position.</summary>
    /// <param name="inputIds">[B, T] int64 token ids.</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token).</param>
    /// <returns>Logits [B, T, C]; padded positions get values that carry no meaning.</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask) => forward(inputIds, attentionMask, tokenTypeIds: null);

    /// <summary>Scores every position.</summary>
    /// <param name="inputIds">[B, T] int64 token ids.</param>
    /// <param name="attentionMask">[B, T] (int64 or bool: 1/true = real token).</param>
    /// <param name="tokenTypeIds">[B, T] segment ids, or null = all 0; read only by a backbone with token-type embeddings.</param>
    /// <returns>Logits [B, T, C]; padded positions get values that carry no meaning.</returns>
    public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var hidden = backbone.forward(inputIds, attentionMask, causal: false, tokenTypeIds: tokenTypeIds); // [B, T, D]
        return classifier.forward(dropout.forward(hidden)).MoveToOuterDisposeScope(); // [B, T, C]
    }
}
