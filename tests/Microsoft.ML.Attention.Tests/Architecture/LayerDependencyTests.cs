using NetArchTest.Rules;

namespace Microsoft.ML.Attention.Tests.Architecture;

/// <summary>
/// The one-way rule of docs/architecture.md, checked on the compiled library (NetArchTest reads every type reference, method bodies
/// included): ML.NET layer → tasks → training / generation / persistence / tokenization → modeling. A reference against the direction
/// fails here with the offending types named.
/// </summary>
public sealed class LayerDependencyTests
{
    private const string Root = "Microsoft.ML.Attention";
    private const string MLNet = Root + ".MLNet";
    private const string Tasks = Root + ".Tasks";
    private const string Training = Root + ".Training";
    private const string Generation = Root + ".Generation";
    private const string Persistence = Root + ".Persistence";
    private const string Tokenization = Root + ".Tokenization";
    private const string Modeling = Root + ".Modeling";

    // The public types of the ML.NET layer: they live in the root namespace for users (with the options, which every layer may read),
    // so they are named here. A_root_type_that_uses_the_MLNet_namespace_is_listed_here keeps this list complete.
    private static readonly string[] MLNetLayerTypes =
    [
        Root + ".AttentionCatalog", Root + ".TransformerTextEstimator", Root + ".TransformerTextTransformer",
        Root + ".TransformerEmbeddingGenerator", Root + ".TransformerChatClient", Root + ".TransformerPairScorer",
    ];

    public static TheoryData<string, string[]> Rules() => new()
    {
        { Tasks, [MLNet, .. MLNetLayerTypes] },
        { Training, [MLNet, Tasks, .. MLNetLayerTypes] },
        { Generation, [MLNet, Tasks, Training, Persistence, .. MLNetLayerTypes] },
        { Persistence, [MLNet, Tasks, Training, Generation, .. MLNetLayerTypes] },
        { Tokenization, [MLNet, Tasks, Training, Generation, Persistence, .. MLNetLayerTypes] },
        { Modeling, [MLNet, Tasks, Training, Generation, Persistence, Tokenization, "Microsoft.ML.Data", "Microsoft.ML.Runtime", .. MLNetLayerTypes] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_layer_does_not_reference_the_layers_above_it(string layer, string[] forbidden)
    {
        var result = Types.InAssembly(typeof(TransformerTextTransformer).Assembly)
            .That().ResideInNamespace(layer)
            .ShouldNot().HaveDependencyOnAny(forbidden)
            .GetResult();
        Assert.True(result.IsSuccessful, $"{layer} references a layer above it: {string.Join(", ", result.FailingTypeNames ?? [])}.");
    }

    [Fact]
    public void A_root_type_that_uses_the_MLNet_namespace_is_listed_as_part_of_the_ML_NET_layer()
    {
        var users = Types.InAssembly(typeof(TransformerTextTransformer).Assembly)
            .That().ResideInNamespaceMatching("^Microsoft\\.ML\\.Attention$").And().HaveDependencyOn(MLNet)
            .GetTypes().Select(t => t.FullName ?? "").Where(n => !n.Contains('<', StringComparison.Ordinal)).ToList();
        var unlisted = users.Where(n => !MLNetLayerTypes.Any(t => n == t || n.StartsWith(t + "/", StringComparison.Ordinal))).ToList();
        Assert.True(unlisted.Count == 0, $"Root types that use {MLNet} but are not listed as ML.NET-layer types: {string.Join(", ", unlisted)}.");
    }
}
