import Foundation

extension Requester {
    /// The identity as shown on screen: masked for everyone, hidden entirely from units when confidential.
    public func disclosed(confidential: Bool, to actor: Actor) -> Requester {
        var shown = self
        let unitSide = !(actor.role?.may(.seeWholeCenter) ?? false)
        if confidential && unitSide {
            shown.name = nil
            shown.phone = nil
            shown.idNumber = nil
            shown.enterpriseName = nil
            shown.creditCode = nil
            return shown
        }
        shown.name = name.map(Masking.name)
        shown.phone = phone.map(Masking.phone)
        shown.idNumber = idNumber.map(Masking.idNumber)
        return shown
    }
}
