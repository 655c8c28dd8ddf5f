// Writes a "publicized" copy of a .NET assembly: every type, method and field becomes visible to
// other assemblies, so that Microsoft.ML.Attention can compile against ML.NET's internal extension
// points (ModelSaveContext, ModelLoadContext, RowToRowTransformerBase, ...). The copies are reference
// assemblies for the compiler only; the real ML.NET assemblies ship and run, and the runtime honours
// [IgnoresAccessChecksTo] in Microsoft.ML.Attention. See docs/architecture.md.
//
// Usage: Publicizer <input.dll> <output.dll>
using Mono.Cecil;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Publicizer <input.dll> <output.dll>");
    return 2;
}

string input = args[0], output = args[1];
var resolver = new DefaultAssemblyResolver();
resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(input))!);
using var assembly = AssemblyDefinition.ReadAssembly(input, new ReaderParameters { AssemblyResolver = resolver });

foreach (var type in assembly.MainModule.GetTypes())
{
    if (type.IsNested)
        type.IsNestedPublic = true;
    else
        type.IsPublic = true;

    foreach (var method in type.Methods)
        method.Attributes = (method.Attributes & ~MethodAttributes.MemberAccessMask) | Widen(method.Attributes & MethodAttributes.MemberAccessMask, method.IsVirtual);

    // A field that shares its name with an event or property (compiler-made backing fields) stays as it is,
    // so that C# name lookup keeps finding the event or property.
    var otherNames = new HashSet<string>(type.Events.Select(e => e.Name).Concat(type.Properties.Select(p => p.Name)));
    foreach (var field in type.Fields)
    {
        if (otherNames.Contains(field.Name) || field.Name.Contains('<'))
            continue;
        field.Attributes = (field.Attributes & ~FieldAttributes.FieldAccessMask) | FieldAttributes.Public;
    }
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
assembly.Write(output);
return 0;

// Virtual members keep an access an override can repeat: protected stays protected (family), the rest
// becomes public. private protected (FamANDAssem) and protected internal (FamORAssem) become protected.
static MethodAttributes Widen(MethodAttributes access, bool isVirtual) => access switch
{
    MethodAttributes.Family or MethodAttributes.FamANDAssem or MethodAttributes.FamORAssem => MethodAttributes.Family,
    MethodAttributes.Assembly when isVirtual => MethodAttributes.Public,
    _ => MethodAttributes.Public,
};
